"""CSV export read back with the csv module."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from schedules.barcamp.exports.csv_table import neutralise_formula
from tests.unit.barcamp.agenda_samples import (
    bare_camp,
    empty_camp,
    full_camp,
    hostile_camp,
    one_session_camp,
    render,
)

GERMAN_HEADER = ["Tag", "Beginn", "Ende", "Raum", "Nr.", "Titel", "Sessiongeber*innen", "Stimmen"]
ENGLISH_HEADER = ["Day", "Start", "End", "Room", "No.", "Title", "Hosts", "Votes"]


def rows(output: bytes) -> list[list[str]]:
    assert output.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark for spreadsheets"
    return list(csv.reader(io.StringIO(output.decode("utf-8-sig"), newline="")))


def test_one_session_row_field_by_field() -> None:
    header, row = rows(render("csv", one_session_camp()))
    assert header == GERMAN_HEADER
    assert row == [
        "2024-09-14",
        "10:30",
        "11:15",
        "Aula",
        "1",
        "Skatepark für alle",
        "Ana, Ben",
        "12",
    ]


def test_header_is_translated() -> None:
    assert rows(render("csv", one_session_camp(language="en")))[0] == ENGLISH_HEADER


def test_full_camp_has_one_row_per_session_over_two_days() -> None:
    header, *body = rows(render("csv", full_camp()))
    assert header == GERMAN_HEADER
    assert len(body) == 120
    assert {row[0] for row in body} == {"2024-09-14", "2024-09-15"}
    assert sorted(int(row[4]) for row in body) == list(range(1, 121))
    late = [row for row in body if row[1] == "23:30"]
    assert {row[2] for row in late} == {"00:30"}
    assert {row[0] for row in late} == {"2024-09-14"}


def test_empty_and_bare_published_camps_have_only_the_header() -> None:
    assert rows(render("csv", empty_camp(published=True))) == [GERMAN_HEADER]
    assert rows(render("csv", replace(bare_camp(), published=True))) == [GERMAN_HEADER]


def test_draft_starts_with_a_notice_row() -> None:
    notice, header = rows(render("csv", empty_camp(published=False)))
    assert notice[0] == "Entwurf: Jugend-BarCamp Musterstadt"
    assert "noch nicht veröffentlicht" in notice[1]
    assert header == GERMAN_HEADER


def test_hostile_text_round_trips_and_formulas_are_neutralised() -> None:
    header, *body = rows(render("csv", hostile_camp()))
    titles = {row[5] for row in body}
    assert "<script>alert(1)</script>" in titles
    assert "\"Quotes\" & 'apostrophes' <b>bold</b> &amp; &lt;" in titles
    assert '\'=HYPERLINK("http://example.invalid")' in titles
    assert '<Raum & "Co"> חדר' in {row[3] for row in body}
    assert all(len(row) == len(header) for row in body)


def test_unscheduled_sessions_have_no_place() -> None:
    body = rows(render("csv", hostile_camp()))[1:]
    waiting = [row for row in body if row[4] == "99"]
    assert waiting == [["", "", "", "", "99", "<i>Noch offen</i>", "", "0"]]


def test_neutralise_formula_only_touches_formula_starts() -> None:
    assert neutralise_formula("=1+1") == "'=1+1"
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("Mehr = besser") == "Mehr = besser"
