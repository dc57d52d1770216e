"""Which date a closed date poll proposes, and when its one reminder goes out: pure rules.

The rule, as `/help` and the README state it: dates where the quorum can be present
(yes + if need be >= the quorum) first; among those, the most yes, then the most
if need be, then the earliest. Without any answers that is the earliest date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# The reminder goes a day before the deadline; a deadline nearer than two days gets it
# halfway, and one nearer than this gets none (a reminder must leave time to answer).
REMINDER_LEAD = timedelta(hours=24)
REMINDER_MINIMUM = timedelta(minutes=30)


@dataclass(frozen=True)
class DateTally:
    """The answers to one date."""

    starts_at: datetime
    yes: int = 0
    maybe: int = 0
    no: int = 0

    def quorum_possible(self, needed: int) -> bool:
        return self.yes + self.maybe >= needed


def best_date(tallies: Sequence[DateTally], needed: int) -> int | None:
    """The position of the date to propose (None for no dates at all)."""
    if not tallies:
        return None
    return min(range(len(tallies)), key=lambda position: _rank(tallies[position], needed))


def _rank(tally: DateTally, needed: int) -> tuple[bool, int, int, datetime]:
    return (not tally.quorum_possible(needed), -tally.yes, -tally.maybe, tally.starts_at)


def reminder_due(now: datetime, deadline: datetime) -> datetime | None:
    """When members who have not answered are reminded; None when there is no time."""
    left = deadline - now
    if left >= 2 * REMINDER_LEAD:
        return deadline - REMINDER_LEAD
    if left / 2 < REMINDER_MINIMUM:
        return None
    return now + left / 2
