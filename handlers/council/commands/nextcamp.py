"""/nextcamp DATE [NAME]: next year's BarCamp from the council, with the rooms and slots
of its latest linked camp; the BarCamp makes it (`CampCopyRequested`)."""

from __future__ import annotations

from handlers.core.context import Context, Refusal
from handlers.core.core_events import CampCopyRequested
from handlers.core.event_time import local_now
from handlers.core.registry import ORGANISERS, Text
from handlers.core.validation import calendar_date, event_name
from handlers.council.council_registration import command


@command("nextcamp", roles=ORGANISERS)
def nextcamp(ctx: Context, day: str, name: Text | None) -> None:
    council = ctx.require_event()
    assert council.id is not None
    starts_on = calendar_date(day, today=local_now(council, ctx.now()).date())
    new_name = event_name(name) if name else None
    camps = ctx.uow.event_links.camps_of(council.id)
    if not camps:
        raise Refusal("nextcamp.no_camp")
    if any(camp.starts_on == starts_on for camp in camps):
        raise Refusal("nextcamp.same_day", date=starts_on.isoformat())
    source = camps[-1]
    assert source.id is not None
    ctx.raise_event(CampCopyRequested(council.id, source.id, starts_on, ctx.person_id, new_name))
    ctx.reply("nextcamp.done", camp=source.name, council=council.name)
