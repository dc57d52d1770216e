"""/join CODE: become a participant of a BarCamp or council; it becomes the active one."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.guardian_consent import asks_first
from handlers.core.join_codes import normalise_code
from handlers.core.registry import command
from storage.core.shared_tables import EventKind, Role


@command("join", private=True)
def join(ctx: Context, code: str) -> None:
    join_event(ctx, code)


def join_event(ctx: Context, raw_code: str, *, age_checked: bool = False) -> None:
    event = ctx.uow.events.by_code(normalise_code(raw_code))
    if event is None or event.id is None:
        ctx.reply("join.unknown", code=raw_code[:16])
        return
    already = ctx.uow.events.membership(event.id, ctx.person_id) is not None
    if not already and not age_checked and asks_first(ctx, event):
        return
    ctx.uow.events.join(event.id, ctx.person_id, Role.PARTICIPANT, ctx.now())
    ctx.person.active_event_id = event.id
    key = "join.again" if already else "join.done"
    # A council has no sessions to propose: its welcome points to its meetings.
    ctx.reply(key + "_council" if event.kind is EventKind.COUNCIL else key, name=event.name)
