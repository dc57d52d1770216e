"""What organisers type for a meeting: its time, length, place and repetition.

    /meeting add Title | 2027-01-12 17:00 [90] [| place or link] [| repetition]

The start is a date (2027-01-12 or 12.01.2027) and a time (17:00 or 17.00) in the
council's time zone, then the length if not the council's usual one (90, 90min, 1.5h).
The place and the repetition may come in either order; a repetition (German or English):

    every week · weekly · jede Woche · wöchentlich
    every 2 weeks · alle 2 Wochen                      (2 to 4 weeks)
    monthly · monatlich                                 (on the start's n-th weekday)
    monthly 2nd tuesday · monatlich 2. Dienstag · every last friday · jeden letzten Freitag

and its end: `until 2027-06-30` / `bis 30.06.2027`, or `10 times` / `10 mal` / `10x`.
The repetition becomes an RFC 5545 RRULE (icalendar's `vRecur` writes it), with UNTIL
in UTC at the end of that day, as calendars want it beside a start with a time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import vRecur

from handlers.core.validation import (
    SKIP_WORDS,
    InputError,
    calendar_date,
    clean_text,
    event_place,
    title_text,
)
from schedules.council.occurrences import rule_starts

TITLE_MAX = 80
SHORTEST, LONGEST = 10, 12 * 60
# Meetings are planned for the next two years at most, a series with 100 dates at most.
HORIZON = timedelta(days=2 * 366)
MOST_TIMES = 100
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_WORDS = {
    **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday"))},
    **{name: i + 4 for i, name in enumerate(("friday", "saturday", "sunday"))},
    **{name: i for i, name in enumerate(("montag", "dienstag", "mittwoch", "donnerstag"))},
    **{name: i + 4 for i, name in enumerate(("freitag", "samstag", "sonntag"))},
}
ORDINALS = {
    **dict.fromkeys(("1st", "first", "1.", "ersten", "erster", "erste"), 1),
    **dict.fromkeys(("2nd", "second", "2.", "zweiten", "zweiter", "zweite"), 2),
    **dict.fromkeys(("3rd", "third", "3.", "dritten", "dritter", "dritte"), 3),
    **dict.fromkeys(("4th", "fourth", "4.", "vierten", "vierter", "vierte"), 4),
    **dict.fromkeys(("last", "letzten", "letzter", "letzte"), -1),
}

WHEN = re.compile(
    r"(?P<day>\S+)\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
    r"(?:\s+(?P<length>\d{1,3}(?:[.,]\d)?)\s*(?P<unit>min|minuten|minutes|h|std)?)?",
    re.IGNORECASE,
)
WEEKLY = re.compile(r"(?:every\s+week|weekly|jede\s+woche|w(?:ö|oe)chentlich)", re.IGNORECASE)
EVERY_WEEKS = re.compile(r"(?:every|alle)\s+(?P<weeks>\d)\s+(?:weeks|wochen)", re.IGNORECASE)
MONTHLY = re.compile(
    r"(?:monthly|monatlich|every|jeden|jede)"
    r"(?:\s+(?:on\s+)?(?:the\s+|am\s+)?(?P<nth>\S+)\s+(?P<weekday>[a-z]+))?",
    re.IGNORECASE,
)
UNTIL = re.compile(r"(?:until|bis)\s+(?P<day>\S+)", re.IGNORECASE)
TIMES = re.compile(r"(?P<count>\d{1,3})\s*(?:times|x|mal)", re.IGNORECASE)
REPEAT_START = re.compile(r"(every|weekly|monthly|jede|jeden|alle|w(ö|oe)chentlich|monatlich)\b")


@dataclass(frozen=True)
class MeetingLine:
    """A `/meeting add` line taken apart (the repetition still as text)."""

    title: str
    starts_at: datetime
    duration_minutes: int | None
    place: str
    repeat: str


def meeting_title(raw: str) -> str:
    return title_text(raw, TITLE_MAX, "meeting.title_short", "meeting.title_long")


def meeting_start(raw: str, now: datetime) -> tuple[datetime, int | None]:
    """ "2027-01-12 17:00 90" -> (the wall-clock start, 90); the length may be left out.

    `now` is the council's wall-clock time: the start must lie ahead, within two years.
    """
    match = WHEN.fullmatch(clean_text(raw))
    if match is None:
        raise InputError("meeting.when_format")
    day = calendar_date(match["day"])
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise InputError("meeting.when_format")
    start = datetime.combine(day, time(hour, minute))
    if start <= now:
        raise InputError("meeting.past")
    if start > now + HORIZON:
        raise InputError("meeting.far")
    return start, _length(match["length"], match["unit"])


def _length(number: str | None, unit: str | None) -> int | None:
    if number is None:
        return None
    value = float(number.replace(",", "."))
    minutes = round(value * 60) if (unit or "").lower() in ("h", "std") else round(value)
    if not SHORTEST <= minutes <= LONGEST:
        raise InputError("meeting.length", shortest=SHORTEST, longest=LONGEST // 60)
    return minutes


def is_repetition(text: str) -> bool:
    return REPEAT_START.match(clean_text(text).lower()) is not None


def split_line(text: str, now: datetime) -> MeetingLine:
    """`Title | when [| place] [| repetition]`; place and repetition in either order."""
    parts = [part.strip() for part in text.split("|")]
    if len(parts) < 2 or len(parts) > 4:
        raise InputError("meeting.line_format")
    title = meeting_title(parts[0])
    start, length = meeting_start(parts[1], now)
    repeats = [part for part in parts[2:] if is_repetition(part)]
    places = [part for part in parts[2:] if not is_repetition(part)]
    if len(repeats) > 1 or len(places) > 1:
        raise InputError("meeting.line_format")
    place = event_place(places[0]) if places else ""
    return MeetingLine(title, start, length, place, repeats[0] if repeats else "")


def repetition_rule(raw: str, start: datetime, timezone: str) -> str | None:
    """The RRULE (without "RRULE:") of a repetition; None for a skip word (once)."""
    text = " ".join(clean_text(raw).lower().split())
    if not text or text in SKIP_WORDS or text in ("once", "einmal"):
        return None
    end = UNTIL.search(text) or TIMES.search(text)
    if end is None:
        raise InputError("meeting.repeat_end")
    if end.end() != len(text):
        raise InputError("meeting.repeat_format")
    how = text[: end.start()].strip()
    rule: dict[str, Any] = _frequency(how, start)
    if end.re is UNTIL:
        rule["UNTIL"] = _until(calendar_date(end["day"]), start, timezone)
    else:
        count = int(end["count"])
        if not 2 <= count <= MOST_TIMES:
            raise InputError("meeting.repeat_count", most=MOST_TIMES)
        rule["COUNT"] = count
    rrule = _rule_text(vRecur(rule))
    if len(rule_starts(start, rrule, timezone)) > MOST_TIMES:
        raise InputError("meeting.repeat_count", most=MOST_TIMES)
    return rrule


def _frequency(how: str, start: datetime) -> dict[str, Any]:
    if WEEKLY.fullmatch(how):
        return {"FREQ": "WEEKLY"}
    if weeks := EVERY_WEEKS.fullmatch(how):
        interval = int(weeks["weeks"])
        if not 1 <= interval <= 4:
            raise InputError("meeting.repeat_format")
        return {"FREQ": "WEEKLY", "INTERVAL": interval} if interval > 1 else {"FREQ": "WEEKLY"}
    monthly = MONTHLY.fullmatch(how)
    if monthly is None or (monthly["nth"] is None and how.split()[0] in ("every", "jeden", "jede")):
        raise InputError("meeting.repeat_format")
    own = _nth_weekday(start)
    if monthly["nth"] is not None:
        wanted = (ORDINALS.get(monthly["nth"]), WEEKDAY_WORDS.get(monthly["weekday"]))
        if None in wanted:
            raise InputError("meeting.repeat_format")
        if wanted[1] != start.weekday() or wanted[0] not in own:
            raise InputError("meeting.weekday_mismatch")
        nth = wanted[0]
    else:
        nth = own[0] if own[0] < 5 else -1  # not every month has a fifth: the last one
    return {"FREQ": "MONTHLY", "BYDAY": f"{nth}{WEEKDAYS[start.weekday()]}"}


def _nth_weekday(start: datetime) -> tuple[int, ...]:
    """Which of its month's weekdays the start is: (2,) for a 2nd, (4, -1) for a last 4th."""
    nth = (start.day - 1) // 7 + 1
    last = (start + timedelta(days=7)).month != start.month
    return (nth, -1) if last else (nth,)


def _until(day: date, start: datetime, timezone: str) -> datetime:
    """The end of that day in the council's zone, in UTC; not before the start."""
    if day < start.date():
        raise InputError("meeting.until_before")
    if datetime.combine(day, time()) > start + HORIZON:
        raise InputError("meeting.far")
    end = datetime.combine(day, time(23, 59, 59)).replace(tzinfo=ZoneInfo(timezone))
    return end.astimezone(UTC)


def ended_before(rrule: str, original_start: datetime, timezone: str) -> str:
    """The rule cut so that its last occurrence is the one before `original_start`."""
    rule = vRecur.from_ical(rrule)
    rule.pop("COUNT", None)
    cut = original_start.replace(tzinfo=ZoneInfo(timezone)) - timedelta(seconds=1)
    rule["UNTIL"] = cut.astimezone(UTC)
    return _rule_text(rule)


def _rule_text(rule: vRecur) -> str:
    text: bytes = rule.to_ical()  # type: ignore[no-untyped-call]
    return text.decode()


REMINDER = re.compile(r"(?P<number>\d{1,4})\s*(?P<unit>min|m|h|std|d|tage?|days?)", re.IGNORECASE)
UNIT_MINUTES = {"min": 1, "m": 1, "h": 60, "std": 60, "d": 1440, "tag": 1440, "tage": 1440}
MOST_REMINDERS, LONGEST_AHEAD = 3, 14 * 24 * 60


def reminder_times(raw: str) -> list[int]:
    """ "24h 1h" -> [1440, 60] (minutes before a meeting, latest first); "off" -> []."""
    text = clean_text(raw).lower()
    if text in SKIP_WORDS or text in ("off", "aus"):
        return []
    minutes = set()
    for word in text.replace(",", " ").split():
        match = REMINDER.fullmatch(word)
        if match is None:
            raise InputError("meeting.reminders_format")
        unit = match["unit"].lower()
        value = int(match["number"]) * UNIT_MINUTES.get(unit, 1440)
        if not 1 <= value <= LONGEST_AHEAD:
            raise InputError("meeting.reminders_range", days=LONGEST_AHEAD // 1440)
        minutes.add(value)
    if not minutes or len(minutes) > MOST_REMINDERS:
        raise InputError("meeting.reminders_format")
    return sorted(minutes, reverse=True)
