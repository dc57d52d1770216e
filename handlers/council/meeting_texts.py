"""Meetings in words, in the reader's language: when, where, how often."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import vRecur

from handlers.core.i18n import Texts
from schedules.council.occurrences import Occurrence
from storage.council.council_tables import Meeting

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def day_text(texts: Texts, day: date) -> str:
    """ "Di, 12.01.2027" / "Tue 2027-01-12"."""
    return texts.t(
        "meeting.day",
        weekday=texts.t(f"meeting.weekday_{day.weekday()}"),
        day=f"{day.day:02d}",
        month=f"{day.month:02d}",
        year=day.year,
    )


def when_text(texts: Texts, moment: datetime) -> str:
    """ "Di, 12.01.2027, 17:00" / "Tue 2027-01-12, 17:00"."""
    return texts.t("meeting.when", day=day_text(texts, moment.date()), time=f"{moment:%H:%M}")


def place_text(texts: Texts, place: str) -> str:
    return texts.t("meeting.place", place=place) if place else ""


def occurrence_line(texts: Texts, occurrence: Occurrence) -> str:
    """One line of /meetings: its number, when, what, where, and whether it changed."""
    key = "meeting.line_cancelled" if occurrence.cancelled else "meeting.line"
    line = texts.t(
        key,
        label=occurrence.label,
        when=when_text(texts, occurrence.starts_at),
        title=occurrence.title,
        place=place_text(texts, occurrence.place),
    )
    if occurrence.moved and not occurrence.cancelled:
        line += " " + texts.t(
            "meeting.moved_mark", when=when_text(texts, occurrence.original_start)
        )
    return line


def repetition_text(texts: Texts, meeting: Meeting, timezone: str) -> str:
    """ "every 2 weeks, 10 times" / "monthly on the 2nd Tuesday, until 30.06.2027"; "" once."""
    if not meeting.rrule:
        return ""
    rule = vRecur.from_ical(meeting.rrule)
    if rule["FREQ"] == ["MONTHLY"]:
        byday = str(rule["BYDAY"][0])
        nth, weekday = int(byday[:-2]), WEEKDAY_CODES.index(byday[-2:])
        how = texts.t(
            "meeting.monthly",
            nth=texts.t(f"meeting.nth_{'last' if nth < 0 else nth}"),
            weekday=texts.t(f"meeting.weekday_name_{weekday}"),
        )
    else:
        weeks = int(rule.get("INTERVAL", [1])[0])
        how = (
            texts.t("meeting.every_weeks", weeks=weeks) if weeks > 1 else texts.t("meeting.weekly")
        )
    if "COUNT" in rule:
        return texts.t("meeting.repeat_times", how=how, count=int(rule["COUNT"][0]))
    until = rule["UNTIL"][0].astimezone(ZoneInfo(timezone))
    return texts.t("meeting.repeat_until", how=how, until=day_text(texts, until.date()))


def minutes_text(texts: Texts, minutes: int) -> str:
    """1440 -> "24 Stunden", 90 -> "90 Minuten"."""
    if minutes % 60 == 0:
        return texts.t("meeting.hours", count=minutes // 60)
    return texts.t("meeting.minutes", count=minutes)


def repeat_line(texts: Texts, meeting: Meeting, timezone: str) -> str:
    """The repetition on a line of its own below a message's first; "" for a one-off."""
    text = repetition_text(texts, meeting, timezone)
    return f"\n{text}" if text else ""
