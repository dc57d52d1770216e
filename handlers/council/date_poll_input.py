"""What organisers type for a date poll, checked: a title, up to ten dates, a duration and a
deadline. Pure parsing against the council's wall-clock "now"; a refusal is an
`InputError` whose key explains what to do, and nothing is created.

One line: `Title | 2027-01-12 17:00 | 14.01.2027 18:00 | dauer 60 | bis 2027-01-10 12:00`.
Dates are `YYYY-MM-DD HH:MM` or `DD.MM.YYYY HH:MM`; `dauer N` (`duration N`) is the
meeting's length in minutes, `bis DATE TIME` (`until …`) the deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from handlers.core.validation import SKIP_WORDS, InputError, clean_text, has_substance, plain

TITLE_MIN, TITLE_MAX = 3, 80
OPTIONS_MAX = 10
DURATION_MIN, DURATION_MAX = 15, 12 * 60
# Nobody plans a council meeting more than a year ahead; more is a typo.
HORIZON = timedelta(days=366)
WHEN = re.compile(r"(?P<day>\S+)\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})")
# Looks like a day, so a failure to read it means the day does not exist (2027-02-30).
DAY_SHAPE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{2,4}")
DURATION = re.compile(r"(?:dauer|duration)\s+(?P<minutes>\d{1,9})\s*(?:min)?", re.IGNORECASE)
DEADLINE = re.compile(r"(?:bis|until)\s+(?P<when>.+)", re.IGNORECASE)
DAY_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
# Dates as stored in the poll's options: the council's wall-clock time.
STORED = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class DatePollInput:
    title: str
    # Wall-clock times in the council's time zone, in the order typed.
    options: tuple[datetime, ...]
    duration_minutes: int
    # Wall-clock time; None: the poll stays open until /closepoll.
    deadline: datetime | None = None


def poll_title(raw: str) -> str:
    title = plain(clean_text(raw))
    if not TITLE_MIN <= len(title) <= TITLE_MAX or not has_substance(title):
        raise InputError("datepoll.title", minimum=TITLE_MIN, maximum=TITLE_MAX)
    return title


def wall_clock(raw: str) -> datetime:
    """`2027-01-12 17:00` or `12.01.2027 17:00` as a naive wall-clock time."""
    text = clean_text(raw)
    match = WHEN.fullmatch(text)
    if match is None:
        raise InputError("datepoll.when_format", item=_short(text))
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise InputError("datepoll.when_format", item=_short(text))
    for pattern in DAY_FORMATS:
        try:
            day = datetime.strptime(match["day"], pattern).date()
        except ValueError:
            continue
        return datetime.combine(day, time(hour, minute))
    if DAY_SHAPE.fullmatch(match["day"]):
        raise InputError("datepoll.day_impossible", item=_short(text))
    raise InputError("datepoll.when_format", item=_short(text))


def poll_options(items: list[str], now: datetime) -> tuple[datetime, ...]:
    """The dates: each ahead of `now` and within a year, none twice, one to ten."""
    items = [item for item in (clean_text(raw) for raw in items) if item]
    if not 1 <= len(items) <= OPTIONS_MAX:
        raise InputError("datepoll.count", maximum=OPTIONS_MAX)
    options: list[datetime] = []
    for item in items:
        when = wall_clock(item)
        if when <= now:
            raise InputError("datepoll.past", item=_short(item))
        if when > now + HORIZON:
            raise InputError("datepoll.far", item=_short(item))
        if when in options:
            raise InputError("datepoll.twice", item=_short(item))
        options.append(when)
    return tuple(options)


def option_lines(raw: str, now: datetime) -> tuple[datetime, ...]:
    """The guided step: dates one per line or separated by |."""
    return poll_options(re.split(r"[|\n]", raw), now)


def poll_duration(raw: str, default: int) -> int:
    """Minutes (15 to 720); a skip word keeps the council's default."""
    text = clean_text(raw).lower().removesuffix("min").strip()
    if text in SKIP_WORDS:
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        raise InputError("datepoll.duration", minimum=DURATION_MIN, maximum=DURATION_MAX)
    return duration_in_range(int(text))


def duration_in_range(minutes: int) -> int:
    if not DURATION_MIN <= minutes <= DURATION_MAX:
        raise InputError("datepoll.duration", minimum=DURATION_MIN, maximum=DURATION_MAX)
    return minutes


def poll_deadline(raw: str, now: datetime) -> datetime | None:
    """A wall-clock time ahead of `now`; a skip word for none."""
    text = clean_text(raw)
    if text.lower() in SKIP_WORDS:
        return None
    deadline = wall_clock(text)
    if deadline <= now:
        raise InputError("datepoll.deadline_past")
    return deadline


def checked(poll: DatePollInput) -> DatePollInput:
    """The deadline must come before every date: answers after a date are of no use."""
    if poll.deadline is not None and poll.deadline > min(poll.options):
        first = min(poll.options)
        raise InputError("datepoll.deadline_late", item=first.strftime(STORED))
    return poll


def one_line(raw: str, default_minutes: int, now: datetime) -> DatePollInput:
    """`Title | date | date … [| dauer N] [| bis DATE TIME]`."""
    title, *items = raw.split("|")
    dates: list[str] = []
    duration: int | None = None
    deadline: datetime | None = None
    for item in (clean_text(part) for part in items):
        if (minutes := DURATION.fullmatch(item)) is not None:
            if duration is not None:
                raise InputError("datepoll.setting_twice", item=_short(item))
            duration = duration_in_range(int(minutes["minutes"]))
        elif (until := DEADLINE.fullmatch(item)) is not None:
            if deadline is not None:
                raise InputError("datepoll.setting_twice", item=_short(item))
            deadline = poll_deadline(until["when"], now)
            if deadline is None:
                raise InputError("datepoll.when_format", item=_short(item))
        else:
            dates.append(item)
    options = poll_options(dates, now)
    duration = default_minutes if duration is None else duration
    return checked(DatePollInput(poll_title(title), options, duration, deadline))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
