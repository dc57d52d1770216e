"""/use [CODE]: pick which of my events the other commands work on."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.join_codes import normalise_code
from handlers.core.messages import Button
from handlers.core.registry import command


@command("use", private=True)
def use(ctx: Context, code: str | None) -> None:
    memberships = ctx.uow.events.memberships_of(ctx.person_id)
    if not memberships:
        ctx.reply("event.none")
        return
    if code is None:
        buttons = tuple((Button(event.name, f"use {event.code}"),) for _, event in memberships)
        ctx.reply("use.choose", buttons=buttons)
        return
    wanted = normalise_code(code)
    event = next((event for _, event in memberships if event.code == wanted), None)
    if event is None:
        ctx.reply("use.not_member", code=code[:16])
        return
    ctx.person.active_event_id = event.id
    ctx.reply("use.done", name=event.name)
