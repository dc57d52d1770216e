"""/export ics in a council: the whole calendar of its meetings, for every member.

The BarCamp's /export has its formats; in a council the same name gives the calendar
(the registry runs the one of the active event's kind)."""

from __future__ import annotations

from typing import Literal

from handlers.core.context import Context
from handlers.core.messages import Attachment
from handlers.council.council_registration import command
from handlers.council.meeting_planning import calendar_of
from schedules.council.meeting_calendar import MEDIA_TYPE, render_calendar


@command("export", event=True, variant=True, group="take_part")
def export(ctx: Context, format_name: Literal["ics"] | None) -> None:
    event = ctx.require_event()
    meetings = ctx.uow.meetings.of_event(ctx.event_id())
    content = render_calendar(calendar_of(ctx.uow, event, meetings), ctx.now())
    document = Attachment("council-meetings.ics", MEDIA_TYPE, content)
    ctx.reply("council_export.done", count=len(meetings), document=document)
