"""The council's calendar read by three other libraries: icalendar and ics parse it, and
recurring-ical-events expands it to exactly the bot's list of meetings, also for any
series across summer-time changes (a property test)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import ics
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.council.meeting_input import repetition_rule
from schedules.council.meeting_calendar import CouncilCalendar, render_calendar
from schedules.council.occurrences import occurrences_of
from storage.council.council_tables import Meeting, MeetingChange
from tests.support.council import cancelled, meeting_row, moved

BERLIN = "Europe/Berlin"
ZONE = ZoneInfo(BERLIN)
STAMP = datetime(2027, 3, 1, 9, tzinfo=UTC)


def bot_starts(meetings: list[tuple[Meeting, list[MeetingChange]]]) -> list[datetime]:
    return sorted(
        o.starts_at.replace(tzinfo=ZONE)
        for meeting, changes in meetings
        for o in occurrences_of(meeting, changes, BERLIN)
        if not o.cancelled
    )


def expanded(content: bytes) -> list[datetime]:
    calendar = icalendar.Calendar.from_ical(content)
    window = recurring_ical_events.of(calendar).between(date(2026, 1, 1), date(2035, 1, 1))
    return sorted(event["DTSTART"].dt for event in window if event.get("STATUS") != "CANCELLED")


def test_a_calendar_with_a_moved_and_a_cancelled_occurrence() -> None:
    plenum = meeting_row(1, datetime(2027, 3, 16, 17), "FREQ=WEEKLY;COUNT=6;INTERVAL=2", sequence=2)
    changes = [
        moved(datetime(2027, 4, 13, 17), datetime(2027, 4, 14, 18)),
        cancelled(datetime(2027, 4, 27, 17)),
    ]
    one_off = meeting_row(2, datetime(2027, 5, 3, 18, 30), None)
    gone = meeting_row(3, datetime(2027, 5, 4, 18), None, cancelled=True, sequence=1)
    meetings = [(plenum, changes), (one_off, []), (gone, [])]
    content = render_calendar(CouncilCalendar(1, "Jugendrat", BERLIN, meetings), STAMP)

    parsed = icalendar.Calendar.from_ical(content)
    events = parsed.walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [
        "meeting-1@test",
        "meeting-1@test",
        "meeting-2@test",
        "meeting-3@test",
    ]
    main, override = events[0], events[1]
    assert main["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=6;INTERVAL=2"
    assert [d.dt for d in main["EXDATE"].dts] == [datetime(2027, 4, 27, 17, tzinfo=ZONE)]
    assert override["RECURRENCE-ID"].dt == datetime(2027, 4, 13, 17, tzinfo=ZONE)
    assert override["DTSTART"].dt == datetime(2027, 4, 14, 18, tzinfo=ZONE)
    assert [int(event["SEQUENCE"]) for event in events] == [2, 2, 0, 1]
    assert events[3]["STATUS"] == "CANCELLED"
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == [BERLIN]

    assert expanded(content) == bot_starts(meetings)
    assert datetime(2027, 4, 13, 17, tzinfo=ZONE) not in expanded(content)
    assert len(expanded(content)) == 6  # 6 in the series - 1 cancelled + 1 one-off

    read = ics.Calendar(content.decode())
    assert {event.uid for event in read.events} == {f"meeting-{n}@test" for n in (1, 2, 3)}
    assert {event.name for event in read.events} == {"Treffen 1", "Treffen 2", "Treffen 3"}
    moved_read = [
        e for e in read.events if e.begin.datetime == datetime(2027, 4, 14, 18, tzinfo=ZONE)
    ]
    assert len(moved_read) == 1


def test_the_calendar_uid_and_each_meeting_uid_stay_the_same() -> None:
    plenum = meeting_row(1, datetime(2027, 3, 16, 17), "FREQ=WEEKLY;COUNT=3")
    first = render_calendar(CouncilCalendar(7, "Rat", BERLIN, [(plenum, [])]), STAMP)
    plenum.sequence += 1
    later = render_calendar(CouncilCalendar(7, "Rat", BERLIN, [(plenum, [])]), STAMP + timedelta(1))
    uids = [
        [str(c["UID"]) for c in icalendar.Calendar.from_ical(x).walk() if "UID" in c]
        for x in (first, later)
    ]
    assert uids[0] == uids[1]


REPETITIONS = st.sampled_from(
    ["every week", "every 2 weeks", "every 3 weeks", "monthly", "every last {weekday}"]
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@settings(max_examples=80, deadline=None)
@given(
    day=st.dates(min_value=date(2027, 1, 1), max_value=date(2028, 12, 31)),
    hour=st.integers(min_value=0, max_value=23).filter(lambda h: h != 2),
    minute=st.sampled_from([0, 15, 30, 45]),
    how=REPETITIONS,
    count=st.integers(min_value=2, max_value=30),
    by_count=st.booleans(),
    cancel=st.sets(st.integers(min_value=1, max_value=30), max_size=3),
    move=st.sets(st.integers(min_value=1, max_value=30), max_size=3),
)
def test_any_series_expands_in_the_calendar_as_the_bot_lists_it(
    day: date,
    hour: int,
    minute: int,
    how: str,
    count: int,
    by_count: bool,
    cancel: set[int],
    move: set[int],
) -> None:
    """Across the summer-time changes of two years: the bot's occurrences (moved and
    cancelled ones too) are the ones a calendar app computes from the export."""
    start = datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)
    if how.startswith("every last") and (start + timedelta(days=7)).month == start.month:
        how = "monthly"
    how = how.format(weekday=WEEKDAYS[start.weekday()])
    end = f"{count} times" if by_count else f"until {(day + timedelta(days=count * 9)).isoformat()}"
    rule = repetition_rule(f"{how} {end}", start, BERLIN)
    assert rule is not None
    meeting = meeting_row(1, start, rule)
    starts = [o.original_start for o in occurrences_of(meeting, [], BERLIN)]
    changes = [cancelled(starts[index - 1]) for index in cancel if index <= len(starts)] + [
        moved(starts[index - 1], starts[index - 1] + timedelta(days=1, hours=1))
        for index in move - cancel
        if index <= len(starts)
    ]
    meetings = [(meeting, changes)]
    content = render_calendar(CouncilCalendar(1, "Rat", BERLIN, meetings), STAMP)
    assert expanded(content) == bot_starts(meetings)
    # Wall-clock: every occurrence of the rule is at the start's time of day.
    assert {(s.hour, s.minute) for s in starts} == {(hour, minute)}
