"""An event's wall-clock time: slots and deadlines are typed in the event's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from storage.core.shared_tables import Event


def local_now(event: Event, moment: datetime) -> datetime:
    """`moment` as a naive wall-clock time in the event's zone, comparable with slot times."""
    return moment.astimezone(ZoneInfo(event.timezone)).replace(tzinfo=None)


def moment_of(event: Event, wall_clock: datetime) -> datetime:
    """A naive wall-clock time in the event's zone (a slot's start) as a moment in UTC."""
    return wall_clock.replace(tzinfo=ZoneInfo(event.timezone)).astimezone(UTC)
