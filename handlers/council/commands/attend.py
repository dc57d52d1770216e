"""/attend MEETING N yes|no: the "I'm coming" / "I can't" buttons of a meeting reminder.

The button names the meeting by its id, so it works whichever event is active; only a
member of the meeting's council may answer, for an occurrence that is not over.
"""

from __future__ import annotations

from typing import Literal

from handlers.core.context import Context
from handlers.core.event_time import local_now
from handlers.core.validation import InputError
from handlers.council.council_registration import command
from handlers.council.meeting_planning import occurrences
from handlers.council.meeting_texts import when_text
from schedules.council.occurrences import find


@command("attend", hidden=True)
def attend(ctx: Context, meeting_id: int, occurrence: int, answer: Literal["yes", "no"]) -> None:
    meeting = ctx.uow.meetings.get(meeting_id)
    council = ctx.uow.events.get(meeting.event_id) if meeting is not None else None
    if meeting is None or council is None or council.id is None:
        raise InputError("attend.unknown")
    if ctx.uow.events.membership(council.id, ctx.person_id) is None:
        raise InputError("error.not_allowed")
    found = find(occurrences(ctx.uow, council, meeting), occurrence)
    if found is None or found.cancelled:
        raise InputError("attend.unknown")
    if found.ends_at <= local_now(council, ctx.now()):
        raise InputError("attend.over")
    coming = answer == "yes"
    ctx.uow.meetings.answer(meeting_id, occurrence, ctx.person_id, coming, ctx.now())
    ctx.reply(
        "attend.coming" if coming else "attend.not_coming",
        title=found.title,
        when=when_text(ctx, found.starts_at),
    )
