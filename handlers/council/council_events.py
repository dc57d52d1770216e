"""What happens in a youth council, as domain events (see `handlers.core.message_bus`).

The commands and the timed work raise them; their handlers run afterwards in the same
transaction and tell the members.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.message_bus import DomainEvent


@dataclass(frozen=True)
class MeetingScheduled(DomainEvent):
    """A new meeting or series: from a confirmed date poll, `/meeting add` or the CLI."""

    event_id: int
    meeting_id: int


@dataclass(frozen=True)
class DatePollClosed(DomainEvent):
    """A date poll closed (at its deadline or by /closepoll) and proposed a date."""

    event_id: int
    poll_id: int


@dataclass(frozen=True)
class OccurrenceMoved(DomainEvent):
    """One meeting (a one-off, or one occurrence of a series) moved to a new start."""

    event_id: int
    meeting_id: int
    occurrence: int
    # Wall-clock times in the council's zone, as ISO text: plain values only.
    previous_start: str
    new_start: str


@dataclass(frozen=True)
class OccurrenceCancelled(DomainEvent):
    """One meeting cancelled; `rest`: that occurrence and every later one of its series."""

    event_id: int
    meeting_id: int
    occurrence: int
    start: str
    rest: bool = False
