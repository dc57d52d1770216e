"""Scheduling meetings: shared by date polls, `/meeting add` and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.core.message_bus import DomainEvent
from handlers.council.council_events import MeetingScheduled
from storage.council.council_tables import Meeting
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class MeetingInput:
    title: str
    # Wall-clock time in the council's time zone.
    starts_at: datetime
    duration_minutes: int
    place: str = ""
    # An RFC 5545 RRULE without the "RRULE:" prefix; None for a one-off meeting.
    rrule: str | None = None


def schedule_meeting(
    uow: UnitOfWork, event_id: int, meeting: MeetingInput, now: datetime
) -> tuple[Meeting, DomainEvent]:
    """Store the meeting; the caller raises the returned event (members are told)."""
    stored = uow.meetings.add(
        Meeting(
            event_id=event_id,
            number=0,
            uid="",
            title=meeting.title,
            place=meeting.place,
            starts_at=meeting.starts_at,
            duration_minutes=meeting.duration_minutes,
            rrule=meeting.rrule,
            created_at=now,
        )
    )
    assert stored.id is not None
    return stored, MeetingScheduled(event_id, stored.id)
