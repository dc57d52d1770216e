"""What organisers and young people type, parsed or explained."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.barcamp.camp_input import RoomInput, rooms, session_description, session_title, slots
from handlers.core.validation import InputError, calendar_date, clean_text

DAY = date(2027, 6, 13)


def test_rooms_with_capacities() -> None:
    assert rooms("Aula:60, Raum 1:20,Raum 2 : 15") == [
        RoomInput("Aula", 60),
        RoomInput("Raum 1", 20),
        RoomInput("Raum 2", 15),
    ]


def test_slots_with_breaks_and_a_second_day() -> None:
    parsed = slots("10:00-10:45, 12:00-13:00 Pause, 2027-06-14 9.30 – 10.15, 11:00-11:45", DAY)
    assert [(s.starts_at, s.ends_at, s.blocked) for s in parsed] == [
        (datetime(2027, 6, 13, 10), datetime(2027, 6, 13, 10, 45), False),
        (datetime(2027, 6, 13, 11), datetime(2027, 6, 13, 11, 45), False),
        (datetime(2027, 6, 13, 12), datetime(2027, 6, 13, 13), True),
        (datetime(2027, 6, 14, 9, 30), datetime(2027, 6, 14, 10, 15), False),
    ]


@pytest.mark.parametrize("text", ["13.06.2027", "2027-06-13", "13.06.27"])
def test_dates_in_german_and_iso_form(text: str) -> None:
    assert calendar_date(text) == DAY


def test_a_past_date_is_refused_only_when_today_is_known() -> None:
    with pytest.raises(InputError) as refused:
        calendar_date("2027-06-13", today=date(2027, 6, 14))
    assert refused.value.key == "input.date_past"
    assert calendar_date("2027-06-13", today=DAY) == DAY


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("ab", "input.title_short"),
        ("🎉🎉🎉🎉", "input.title_short"),
        ("x" * 81, "input.title_long"),
        ("<script>alert(1)</script>", "input.markup"),
        ("Robert'); DROP TABLE vote;--", "input.code_like"),
    ],
)
def test_bad_titles_are_explained(title: str, key: str) -> None:
    with pytest.raises(InputError) as refused:
        session_title(title)
    assert refused.value.key == key


def test_titles_keep_what_young_people_write() -> None:
    assert session_title("  Skaten <3 & mehr 🛹  ") == "Skaten <3 & mehr 🛹"
    assert session_title("Familie 👨‍👩‍👧 im\u202eZentrum") == "Familie 👨‍👩‍👧 im Zentrum"
    assert session_description("-") == ""
    assert session_description(" Zeile 1 \n\x00Zeile 2") == "Zeile 1\nZeile 2"


@given(st.text())
def test_clean_text_leaves_no_control_or_invisible_characters(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    for ch in cleaned:
        category = unicodedata.category(ch)
        assert category not in ("Cc", "Cs", "Co", "Cn")
        assert category != "Cf" or ch == "\u200d"
