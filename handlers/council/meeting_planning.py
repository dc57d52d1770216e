"""Scheduling meetings: shared by date polls, `/meeting add` and the CLI; and changing them.

A change is one occurrence moved or cancelled (a `MeetingChange` for a series, the
meeting itself for a one-off), or the rest of a series cancelled (its rule gets an
UNTIL before that occurrence). Each bumps the meeting's SEQUENCE, so calendar apps take
the newer version, and raises an event whose handlers tell the members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from handlers.core.event_time import local_now
from handlers.core.message_bus import DomainEvent
from handlers.core.validation import InputError
from handlers.council.council_events import (
    MeetingScheduled,
    OccurrenceCancelled,
    OccurrenceMoved,
)
from handlers.council.meeting_input import ended_before
from schedules.council.meeting_calendar import CouncilCalendar
from schedules.council.occurrences import Occurrence, find, occurrences_of
from storage.core.shared_tables import Event
from storage.council.council_tables import Meeting, MeetingChange
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


def occurrences(uow: UnitOfWork, event: Event, meeting: Meeting) -> list[Occurrence]:
    assert meeting.id is not None
    return occurrences_of(meeting, uow.meetings.changes(meeting.id), event.timezone)


def council_occurrences(uow: UnitOfWork, event: Event) -> list[Occurrence]:
    """Every occurrence of every meeting of the council, in no particular order."""
    assert event.id is not None
    return [
        occurrence
        for meeting in uow.meetings.of_event(event.id)
        for occurrence in occurrences(uow, event, meeting)
    ]


def calendar_of(uow: UnitOfWork, event: Event, meetings: Sequence[Meeting]) -> CouncilCalendar:
    """The meetings with their changes, for an invite or the council's whole calendar."""
    assert event.id is not None
    with_changes = [
        (meeting, uow.meetings.changes(meeting.id)) for meeting in meetings if meeting.id
    ]
    return CouncilCalendar(event.id, event.name, event.timezone, with_changes)


def occurrence_by_label(uow: UnitOfWork, event: Event, label: str) -> tuple[Meeting, Occurrence]:
    """ "3" (a one-off meeting, or a series' first) or "3.2" as listed by /meetings."""
    number, _, index = label.strip().partition(".")
    if not number.isdigit() or not (index.isdigit() or index == "") or len(label) > 12:
        raise InputError("meeting.label_format")
    assert event.id is not None
    meeting = uow.meetings.by_number(event.id, int(number))
    found = find(occurrences(uow, event, meeting), int(index or 1)) if meeting else None
    if meeting is None or found is None or (found.series and not index):
        raise InputError("meeting.unknown", label=label.strip())
    return meeting, found


def _changeable(event: Event, occurrence: Occurrence, now: datetime) -> None:
    if occurrence.cancelled:
        raise InputError("meeting.already_cancelled", label=occurrence.label)
    if occurrence.starts_at <= local_now(event, now):
        raise InputError("meeting.over", label=occurrence.label)


def _change_of(uow: UnitOfWork, meeting: Meeting, occurrence: Occurrence) -> MeetingChange:
    assert meeting.id is not None
    found = uow.meetings.change_of(meeting.id, occurrence.original_start)
    return found or uow.meetings.add_change(
        MeetingChange(meeting_id=meeting.id, original_start=occurrence.original_start)
    )


def move_occurrence(
    uow: UnitOfWork,
    event: Event,
    meeting: Meeting,
    occurrence: Occurrence,
    new_start: datetime,
    now: datetime,
) -> OccurrenceMoved:
    """Move one meeting; the caller raises the event (members are told)."""
    _changeable(event, occurrence, now)
    if new_start == occurrence.starts_at:
        raise InputError("meeting.same_time", label=occurrence.label)
    meeting.sequence += 1
    if occurrence.series:
        change = _change_of(uow, meeting, occurrence)
        change.starts_at, change.sequence = new_start, meeting.sequence
    else:
        meeting.starts_at = new_start
    assert event.id is not None
    assert meeting.id is not None
    return OccurrenceMoved(
        event.id,
        meeting.id,
        occurrence.index,
        occurrence.starts_at.isoformat(),
        new_start.isoformat(),
    )


def cancel_occurrence(
    uow: UnitOfWork,
    event: Event,
    meeting: Meeting,
    occurrence: Occurrence,
    now: datetime,
    rest: bool = False,
) -> OccurrenceCancelled:
    """Cancel one meeting, or with `rest` that one and the rest of its series."""
    _changeable(event, occurrence, now)
    meeting.sequence += 1
    if not occurrence.series or (rest and occurrence.index == 1):
        meeting.cancelled = True
    elif rest:
        assert meeting.rrule is not None
        meeting.rrule = ended_before(meeting.rrule, occurrence.original_start, event.timezone)
    else:
        change = _change_of(uow, meeting, occurrence)
        change.cancelled, change.sequence = True, meeting.sequence
    assert event.id is not None
    assert meeting.id is not None
    return OccurrenceCancelled(
        event.id, meeting.id, occurrence.index, occurrence.starts_at.isoformat(), rest
    )
