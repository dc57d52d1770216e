"""The rules of meetings, pure: the `/meeting add` grammar, recurrence across summer time,
occurrences after changes, reminder times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.core.validation import InputError
from handlers.council.meeting_input import (
    ended_before,
    meeting_start,
    reminder_times,
    repetition_rule,
    split_line,
)
from schedules.council.occurrences import occurrences_of, rule_starts, upcoming
from storage.council.council_tables import Meeting
from tests.support.council import cancelled, meeting_row, moved

BERLIN = "Europe/Berlin"
NOW = datetime(2027, 3, 1, 10, 0)
# Tuesday 16 March 2027, 17:00; Europe/Berlin moves to summer time on 28 March.
START = datetime(2027, 3, 16, 17, 0)


def meeting(rrule: str | None, start: datetime = START) -> Meeting:
    return meeting_row(3, start, rrule)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("every week 4 times", "FREQ=WEEKLY;COUNT=4"),
        ("jede Woche 4 mal", "FREQ=WEEKLY;COUNT=4"),
        ("wöchentlich 4x", "FREQ=WEEKLY;COUNT=4"),
        ("every 2 weeks 6 times", "FREQ=WEEKLY;COUNT=6;INTERVAL=2"),
        ("alle 2 Wochen bis 30.06.2027", "FREQ=WEEKLY;UNTIL=20270630T215959Z;INTERVAL=2"),
        ("monthly until 2027-12-31", "FREQ=MONTHLY;UNTIL=20271231T225959Z;BYDAY=3TU"),
        ("monthly 3rd tuesday 5 times", "FREQ=MONTHLY;COUNT=5;BYDAY=3TU"),
        ("monatlich am 3. Dienstag 5 mal", "FREQ=MONTHLY;COUNT=5;BYDAY=3TU"),
        ("jeden 3. Dienstag 5 mal", "FREQ=MONTHLY;COUNT=5;BYDAY=3TU"),
        ("-", None),
        ("einmal", None),
    ],
)
def test_repetitions_in_german_and_english(text: str, rule: str | None) -> None:
    assert repetition_rule(text, START, BERLIN) == rule


def test_monthly_from_a_fifth_weekday_means_the_last() -> None:
    fifth_tuesday = datetime(2027, 3, 30, 17, 0)
    assert repetition_rule("monthly 3 times", fifth_tuesday, BERLIN) == (
        "FREQ=MONTHLY;COUNT=3;BYDAY=-1TU"
    )


def test_the_last_weekday_of_a_month() -> None:
    last_tuesday = datetime(2027, 3, 30, 17, 0)
    rule = repetition_rule("every last tuesday 3 times", last_tuesday, BERLIN)
    assert rule == "FREQ=MONTHLY;COUNT=3;BYDAY=-1TU"
    assert rule_starts(last_tuesday, rule, BERLIN) == [
        datetime(2027, 3, 30, 17, 0),
        datetime(2027, 4, 27, 17, 0),
        datetime(2027, 5, 25, 17, 0),
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("every week", "meeting.repeat_end"),
        ("every week until 2027-03-01", "meeting.until_before"),
        ("every week until 2030-01-01", "meeting.far"),
        ("every week 1 times", "meeting.repeat_count"),
        ("every week 200 times", "meeting.repeat_count"),
        ("every week until 2029-03-01", "meeting.repeat_count"),
        ("every 9 weeks 3 times", "meeting.repeat_format"),
        ("every 7 weeks 3 times", "meeting.repeat_format"),
        ("sometimes 3 times", "meeting.repeat_format"),
        ("monthly 2nd tuesday 3 times", "meeting.weekday_mismatch"),
        ("monthly 3rd friday 3 times", "meeting.weekday_mismatch"),
        ("monthly 3rd blursday 3 times", "meeting.repeat_format"),
        ("every 3 times", "meeting.repeat_format"),
        ("every week 3 times please", "meeting.repeat_format"),
        ("every week until soon", "input.date_format"),
    ],
)
def test_bad_repetitions_are_explained(text: str, key: str) -> None:
    with pytest.raises(InputError) as refused:
        repetition_rule(text, START, BERLIN)
    assert refused.value.key == key


def test_a_weekly_series_keeps_its_wall_clock_time_across_summer_time() -> None:
    rule = repetition_rule("every week 3 times", datetime(2027, 3, 23, 17, 0), BERLIN)
    starts = rule_starts(datetime(2027, 3, 23, 17, 0), rule, BERLIN)
    assert starts == [datetime(2027, 3, day, 17, 0) for day in (23, 30)] + [
        datetime(2027, 4, 6, 17, 0)
    ]
    # The same wall-clock time is an hour earlier in UTC once summer time began.
    utc = [start.replace(tzinfo=ZoneInfo(BERLIN)).astimezone(UTC) for start in starts]
    assert [moment.hour for moment in utc] == [16, 15, 15]


def test_until_is_the_end_of_that_day_in_the_councils_zone() -> None:
    rule = repetition_rule("every week until 2027-03-30", START, BERLIN)
    assert rule_starts(START, rule, BERLIN)[-1] == datetime(2027, 3, 30, 17, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-16 17:00", (START, None)),
        ("16.03.2027 17.00 120", (START, 120)),
        ("16.03.2027 17:00 1,5h", (START, 90)),
        ("16.03.2027 17:00 45min", (START, 45)),
    ],
)
def test_a_start_with_an_optional_length(text: str, expected: tuple[datetime, int]) -> None:
    assert meeting_start(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("morgen", "meeting.when_format"),
        ("2027-03-16", "meeting.when_format"),
        ("2027-03-16 25:00", "meeting.when_format"),
        ("2027-02-30 17:00", "input.date_format"),
        ("2027-02-01 17:00", "meeting.past"),
        ("2030-02-01 17:00", "meeting.far"),
        ("2027-03-16 17:00 5", "meeting.length"),
        ("2027-03-16 17:00 13h", "meeting.length"),
    ],
)
def test_bad_starts_are_explained(text: str, key: str) -> None:
    with pytest.raises(InputError) as refused:
        meeting_start(text, NOW)
    assert refused.value.key == key


def test_a_line_takes_place_and_repetition_in_either_order() -> None:
    first = split_line("Plenum | 16.03.2027 17:00 | Rathaus | every week 3 times", NOW)
    second = split_line("Plenum | 16.03.2027 17:00 | every week 3 times | Rathaus", NOW)
    assert first == second
    assert (first.title, first.place, first.repeat) == ("Plenum", "Rathaus", "every week 3 times")
    online = split_line("Vorstand | 16.03.2027 17:00 | https://meet.example.org/rat", NOW)
    assert (online.place, online.repeat) == ("https://meet.example.org/rat", "")


@pytest.mark.parametrize(
    "text",
    ["Plenum", "Plenum | 16.03.2027 17:00 | a | b | c", "P | 16.03.2027 17:00", "Plenum | a | b"],
)
def test_bad_lines_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        split_line(text, NOW)


def test_occurrences_after_a_move_and_a_cancellation() -> None:
    series = meeting("FREQ=WEEKLY;COUNT=4;INTERVAL=2")
    changes = [
        moved(datetime(2027, 4, 13, 17), datetime(2027, 4, 14, 18), meeting_id=3),
        cancelled(datetime(2027, 3, 30, 17), meeting_id=3),
    ]
    found = occurrences_of(series, changes, BERLIN)
    assert [(o.label, o.starts_at, o.moved, o.cancelled) for o in found] == [
        ("3.1", datetime(2027, 3, 16, 17), False, False),
        ("3.2", datetime(2027, 3, 30, 17), False, True),
        ("3.3", datetime(2027, 4, 14, 18), True, False),
        ("3.4", datetime(2027, 4, 27, 17), False, False),
    ]
    assert [o.label for o in upcoming(found, datetime(2027, 4, 14, 19))] == ["3.3", "3.4"]
    one_off = occurrences_of(meeting(None), [], BERLIN)
    assert [(o.label, o.index, o.series) for o in one_off] == [("3", 1, False)]


def test_ending_a_series_keeps_what_came_before() -> None:
    rule = "FREQ=WEEKLY;COUNT=6;INTERVAL=2"
    ended = ended_before(rule, datetime(2027, 4, 27, 17), BERLIN)
    assert "COUNT" not in ended
    assert rule_starts(START, ended, BERLIN) == rule_starts(START, rule, BERLIN)[:3]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("24h 1h", [1440, 60]), ("1h, 2d", [2880, 60]), ("30min", [30]), ("aus", []), ("off", [])],
)
def test_reminder_times(text: str, minutes: list[int]) -> None:
    assert reminder_times(text) == minutes


@pytest.mark.parametrize("text", ["soon", "1h 2h 3h 4h", "0min", "15d", "24"])
def test_bad_reminder_times_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        reminder_times(text)
