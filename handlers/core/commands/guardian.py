"""/guardian [on|off|N ok]: guardian consent under 16, per event; /age: the answer."""

from __future__ import annotations

from typing import Literal

from handlers.core.commands.join import join_event
from handlers.core.context import Context
from handlers.core.guardian_consent import OVER, UNDER, confirm, wait_for_guardian
from handlers.core.join_codes import normalise_code
from handlers.core.registry import ORGANISERS, command


@command("guardian", roles=ORGANISERS, private=True)
def guardian(ctx: Context, what: str | None, ok: Literal["ok"] | None) -> None:
    event = ctx.require_event()
    assert event.id is not None
    if what is None:
        show_waiting(ctx)
    elif what.lower() in ("on", "off") and ok is None:
        ctx.uow.guardians.set_required(event.id, what.lower() == "on")
        ctx.reply(f"guardian.turned_{what.lower()}", name=event.name)
    elif what.isdigit() and ok is not None:
        person = confirm(ctx, event, int(what))
        ctx.reply("guardian.confirmed", person=person, name=event.name)
    else:
        ctx.reply("error.usage", usage=ctx.t("usage.guardian"))


def show_waiting(ctx: Context) -> None:
    event = ctx.require_event()
    assert event.id is not None
    required = ctx.uow.guardians.required(event.id)
    lines = [ctx.t("guardian.status_on" if required else "guardian.status_off", name=event.name)]
    waiting = ctx.uow.guardians.waiting(event.id)
    if waiting:
        lines.append(ctx.t("guardian.waiting_header"))
    for record, person in waiting:
        since = f"{record.requested_at:%Y-%m-%d}"
        lines.append(
            ctx.t(
                "guardian.waiting_line",
                number=record.number,
                person=person.display_name,
                since=since,
            )
        )
    buttons = tuple(
        (ctx.button("guardian.confirm_button", f"guardian {r.number} ok", number=r.number),)
        for r, _ in waiting
    )
    ctx.reply_text("\n".join(lines), buttons=buttons)


@command("age", hidden=True, private=True)
def age(ctx: Context, code: str, answer: Literal["16plus", "under16"]) -> None:
    """Pressed on the age question when joining an event that asks for it."""
    event = ctx.uow.events.by_code(normalise_code(code))
    if event is None or event.id is None:
        ctx.reply("join.unknown", code=code[:16])
    elif ctx.uow.guardians.is_waiting(event.id, ctx.person_id):
        ctx.reply("guardian.waiting", name=event.name)  # "under 16" is not taken back
    elif answer == OVER or ctx.uow.events.membership(event.id, ctx.person_id) is not None:
        join_event(ctx, code, age_checked=True)
    elif answer == UNDER:
        wait_for_guardian(ctx, event)
