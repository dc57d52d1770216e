"""What organisers type for a date poll: each bad input gets its own explanation."""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.core.validation import InputError
from handlers.council.date_poll_input import (
    DatePollInput,
    one_line,
    option_lines,
    poll_duration,
    wall_clock,
)

NOW = datetime(2027, 1, 2, 10, 0)
ELEVEN = "Treffen | " + " | ".join(f"2027-02-{day:02d} 17:00" for day in range(1, 12))


def test_one_line_with_duration_and_deadline() -> None:
    parsed = one_line(
        "Januar-Treffen | 2027-01-12 17:00 | 14.01.2027 18:00 | dauer 60 | bis 2027-01-10 12:00",
        90,
        NOW,
    )
    assert parsed == DatePollInput(
        "Januar-Treffen",
        (datetime(2027, 1, 12, 17, 0), datetime(2027, 1, 14, 18, 0)),
        60,
        datetime(2027, 1, 10, 12, 0),
    )


def test_one_line_in_english_and_with_the_default_duration() -> None:
    parsed = one_line("Meeting | 2027-01-12 17:00 | until 2027-01-11 9:00", 75, NOW)
    assert (parsed.duration_minutes, parsed.deadline) == (75, datetime(2027, 1, 11, 9, 0))
    assert one_line("Meeting | 2027-01-12 17.30 | Duration 45 min", 90, NOW).duration_minutes == 45


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("Treffen | 2026-12-12 17:00", "datepoll.past"),
        ("Treffen | 2027-01-02 09:59", "datepoll.past"),
        ("Treffen | 2027-02-30 17:00", "datepoll.day_impossible"),
        ("Treffen | 31.04.2027 17:00", "datepoll.day_impossible"),
        ("Treffen | 2027-01-12 17:00 | 12.01.2027 17:00", "datepoll.twice"),
        (
            "Treffen | " + " | ".join(f"2027-02-{d:02d} 17:00" for d in range(1, 12)),
            "datepoll.count",
        ),
        ("Treffen", "datepoll.count"),
        ("Treffen | 2027-01-12 17:00 | bis 2027-01-13 12:00", "datepoll.deadline_late"),
        ("Treffen | 2027-01-12 17:00 | bis 2027-01-01 12:00", "datepoll.deadline_past"),
        ("Treffen | 2027-01-12 17:00 | dauer 5", "datepoll.duration"),
        ("Treffen | 2027-01-12 17:00 | dauer 9999", "datepoll.duration"),
        ("Treffen | 2027-01-12 17:00 | dauer 60 | dauer 30", "datepoll.setting_twice"),
        ("Treffen | 2027-01-12 25:00", "datepoll.when_format"),
        ("Treffen | morgen", "datepoll.when_format"),
        ("Treffen | 2029-01-12 17:00", "datepoll.far"),
        ("ab | 2027-01-12 17:00", "datepoll.title"),
        ("<b>Treffen</b> | 2027-01-12 17:00", "input.markup"),
    ],
)
def test_bad_lines_are_explained(line: str, key: str) -> None:
    with pytest.raises(InputError) as refused:
        one_line(line, 90, NOW)
    assert refused.value.key == key


def test_the_guided_step_takes_lines_or_bars() -> None:
    assert option_lines("2027-01-12 17:00\n2027-01-13 17:00 | 2027-01-14 17:00", NOW) == (
        datetime(2027, 1, 12, 17, 0),
        datetime(2027, 1, 13, 17, 0),
        datetime(2027, 1, 14, 17, 0),
    )


def test_duration_words() -> None:
    assert poll_duration("-", 90) == 90
    assert poll_duration("120 min", 90) == 120
    for bad in ("0", "abc", "٣٠", "721"):
        with pytest.raises(InputError):
            poll_duration(bad, 90)


def test_a_leap_day_exists_only_in_leap_years() -> None:
    assert wall_clock("2028-02-29 10:00") == datetime(2028, 2, 29, 10, 0)
    with pytest.raises(InputError) as refused:
        wall_clock("29.02.2027 10:00")
    assert refused.value.key == "datepoll.day_impossible"
