"""A council's meetings as occurrences: a series expanded by its RFC 5545 rule.

Starts are naive wall-clock times in the council's time zone. A series is expanded by
python-dateutil's `rrulestr` with the start made aware in that zone (UNTIL is kept in
UTC, as RFC 5545 asks of a start with a TZID), so a weekly 17:00 is 17:00 on every
date, whatever the zone's offset that day. An occurrence is known by its position in
the series (`index`, from 1): a move or a cancelled occurrence never changes the
positions, and ending a series only cuts its tail, so "3.2" (meeting 3, second
occurrence) means the same all along.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from storage.council.council_tables import Meeting, MeetingChange

# A series has an end (UNTIL or COUNT); this bounds one that somehow has none.
MOST_OCCURRENCES = 400


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a series (or the one-off meeting), as it stands after changes."""

    meeting_id: int
    number: int
    index: int
    series: bool
    title: str
    place: str
    # The start the rule gives (RECURRENCE-ID), and the start after a move.
    original_start: datetime
    starts_at: datetime
    duration_minutes: int
    moved: bool = False
    cancelled: bool = False

    @property
    def label(self) -> str:
        """What people type: "3" for a one-off meeting, "3.2" for a series' second."""
        return f"{self.number}.{self.index}" if self.series else str(self.number)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


def rule_starts(starts_at: datetime, rrule: str | None, timezone: str) -> list[datetime]:
    """The original starts: the one-off's one, or every one the rule gives, in order."""
    if not rrule:
        return [starts_at]
    zone = ZoneInfo(timezone)
    rule = rrulestr(rrule, dtstart=starts_at.replace(tzinfo=zone))
    starts = itertools.islice(iter(rule), MOST_OCCURRENCES)
    return [start.astimezone(zone).replace(tzinfo=None) for start in starts]


def occurrences_of(
    meeting: Meeting, changes: Iterable[MeetingChange], timezone: str
) -> list[Occurrence]:
    """Every occurrence by position, moved ones at their new start, cancelled ones marked."""
    assert meeting.id is not None
    by_start = {change.original_start: change for change in changes}
    found = []
    for index, start in enumerate(rule_starts(meeting.starts_at, meeting.rrule, timezone), 1):
        change = by_start.get(start)
        moved_to = change.starts_at if change is not None else None
        found.append(
            Occurrence(
                meeting_id=meeting.id,
                number=meeting.number,
                index=index,
                series=meeting.rrule is not None,
                title=meeting.title,
                place=meeting.place,
                original_start=start,
                starts_at=moved_to or start,
                duration_minutes=meeting.duration_minutes,
                moved=moved_to is not None,
                cancelled=meeting.cancelled or (change is not None and change.cancelled),
            )
        )
    return found


def upcoming(occurrences: Iterable[Occurrence], now: datetime) -> list[Occurrence]:
    """Those not over yet at the wall-clock time `now`, soonest first."""
    ahead = (occurrence for occurrence in occurrences if occurrence.ends_at > now)
    return sorted(ahead, key=lambda occurrence: (occurrence.starts_at, occurrence.number))


def find(occurrences: Sequence[Occurrence], index: int) -> Occurrence | None:
    return occurrences[index - 1] if 1 <= index <= len(occurrences) else None
