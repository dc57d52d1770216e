"""A council's meetings as iCalendar (RFC 5545), for invites and for `/export ics`.

Each meeting is one VEVENT with the meeting's stable UID and its SEQUENCE (on each of its
components, the overrides too); a series carries
its RRULE, its cancelled occurrences as EXDATE, and each moved occurrence is a VEVENT
of its own with the same UID and a RECURRENCE-ID (its original start). Times carry the
council's TZID with a VTIMEZONE, so calendar apps show the wall-clock times the bot
shows, across summer-time changes. A cancelled one-off meeting (or a whole series) stays
in the calendar with STATUS:CANCELLED, so apps that had it drop it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vRecur

from schedules.council.occurrences import Occurrence, occurrences_of
from storage.council.council_tables import Meeting, MeetingChange

PRODUCT_ID = "-//barcamp-bot//council meetings//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"
CALENDAR_NAMESPACE = uuid.UUID("4f0c8f5e-7a47-4f59-9d7e-6b1f0c2d3a91")


@dataclass(frozen=True)
class CouncilCalendar:
    event_id: int
    name: str
    timezone: str
    # Each meeting with its changed occurrences.
    meetings: Sequence[tuple[Meeting, Sequence[MeetingChange]]]


def render_calendar(calendar: CouncilCalendar, stamp: datetime, method: str = "PUBLISH") -> bytes:
    """The meetings as one calendar, published (RFC 5546: no organiser, no replies)."""
    ical = Calendar.new(
        name=calendar.name,
        prodid=PRODUCT_ID,
        method=method,
        uid=str(uuid.uuid5(CALENDAR_NAMESPACE, f"council-{calendar.event_id}")),
    )
    ical.add("X-WR-TIMEZONE", calendar.timezone)
    zone = ZoneInfo(calendar.timezone)
    years = {stamp.year}
    events = []
    for meeting, changes in calendar.meetings:
        occurrences = occurrences_of(meeting, changes, calendar.timezone)
        years |= {occurrence.starts_at.year for occurrence in occurrences}
        events += meeting_events(meeting, occurrences, zone, stamp.astimezone(UTC))
    # The zone's transitions in the years the meetings touch, not all since 1970.
    ical.add_component(
        Timezone.from_tzinfo(
            zone,
            tzid=calendar.timezone,
            first_date=date(min(years), 1, 1),
            last_date=date(max(years) + 1, 1, 1),
        )
    )
    for component in events:
        ical.add_component(component)
    return bytes(ical.to_ical())


def meeting_events(
    meeting: Meeting, occurrences: Sequence[Occurrence], zone: ZoneInfo, stamp: datetime
) -> list[Event]:
    """The meeting's VEVENT, then one per moved occurrence of a series."""
    main = _event(meeting, meeting.starts_at, zone, stamp)
    if meeting.cancelled:
        main.add("status", "CANCELLED")
    if meeting.rrule:
        main.add("rrule", vRecur.from_ical(meeting.rrule))
        cancelled = [o.original_start.replace(tzinfo=zone) for o in occurrences if o.cancelled]
        if cancelled and not meeting.cancelled:
            main.add("exdate", cancelled)
    moved = [o for o in occurrences if o.moved and not o.cancelled]
    return [main, *(_override(meeting, occurrence, zone, stamp) for occurrence in moved)]


def _override(meeting: Meeting, occurrence: Occurrence, zone: ZoneInfo, stamp: datetime) -> Event:
    event = _event(meeting, occurrence.starts_at, zone, stamp)
    event.add("recurrence-id", occurrence.original_start.replace(tzinfo=zone))
    return event


def _event(meeting: Meeting, start: datetime, zone: ZoneInfo, stamp: datetime) -> Event:
    """Every component of a meeting carries its current SEQUENCE: the newest version."""
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    event.add("dtstart", start.replace(tzinfo=zone))
    event.add("dtend", (start + timedelta(minutes=meeting.duration_minutes)).replace(tzinfo=zone))
    if meeting.place:
        event.add("location", meeting.place)
        if meeting.place.startswith(("https://", "http://")):
            event.add("url", meeting.place)
    return event
