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
