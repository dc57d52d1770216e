"""What the council keeps of a person, and when it goes: attendance answers in /mydata,
gone with /forgetme and at the end of the council's retention; the council's last day
for retention (`handlers.core.retention`) is its last meeting."""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.core.core_events import EventAnonymising, PersonForgetting
from handlers.core.message_bus import Effects, handles
from handlers.core.personal_data import personal_data
from handlers.core.retention import last_day
from handlers.council.meeting_planning import council_occurrences
from storage.uow import UnitOfWork


@personal_data("meeting_attendance")
def attendance_of(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    answers = []
    for answer in uow.meetings.answers_of_person(person_id):
        meeting = uow.meetings.get(answer.meeting_id)
        council = uow.events.get(meeting.event_id) if meeting is not None else None
        if meeting is None or council is None:
            continue
        answers.append(
            {
                "event": council.code,
                "meeting": meeting.title,
                "occurrence": f"{meeting.number}.{answer.occurrence}",
                "coming": answer.coming,
                "answered_at": answer.answered_at,
            }
        )
    return answers


@handles(PersonForgetting)
def forget_attendance(event: PersonForgetting, effects: Effects) -> None:
    effects.uow.meetings.forget_person(event.person_id)


@handles(EventAnonymising)
def anonymise_attendance(event: EventAnonymising, effects: Effects) -> None:
    effects.uow.meetings.forget_event(event.event_id)


@last_day
def last_meeting_day(uow: UnitOfWork, event_id: int) -> date | None:
    """The day of the council's last meeting that takes place (a camp's event has none)."""
    event = uow.events.get(event_id)
    if event is None:
        return None
    held = (o.ends_at.date() for o in council_occurrences(uow, event) if not o.cancelled)
    return max(held, default=None)
