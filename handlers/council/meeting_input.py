"""Checks for what an organiser types about a meeting (the CLI's `council meeting add`)."""

from __future__ import annotations

import re
from datetime import datetime, time

from handlers.core.validation import InputError, calendar_date, clean_text

# "2027-01-12 17:00" or "12.01.2027 17.00".
START = re.compile(r"(?P<day>\S+)\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})")
MINUTES_MIN, MINUTES_MAX = 5, 24 * 60


def meeting_start(raw: str, local_now: datetime) -> datetime:
    """The start as a wall-clock time in the council's zone; ahead of `local_now` (the
    council's wall-clock time now)."""
    match = START.fullmatch(clean_text(raw))
    if match is None or int(match["hour"]) > 23 or int(match["minute"]) > 59:
        raise InputError("meetinginput.start_format")
    day = calendar_date(match["day"])
    starts_at = datetime.combine(day, time(int(match["hour"]), int(match["minute"])))
    if starts_at <= local_now:
        raise InputError("meetinginput.start_past")
    return starts_at


def meeting_minutes(minutes: int) -> int:
    if not MINUTES_MIN <= minutes <= MINUTES_MAX:
        raise InputError("meetinginput.minutes", minimum=MINUTES_MIN, maximum=MINUTES_MAX)
    return minutes
