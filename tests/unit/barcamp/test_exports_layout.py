"""Shared exporter helpers: days, durations, grid resolution, text cleaning, registry."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from schedules.barcamp.agenda_model import AgendaSlot
from schedules.barcamp.exports import EXPORTERS, MarkdownExporter, personal_agenda
from schedules.barcamp.exports.base import build_registry
from schedules.barcamp.exports.layout import (
    camp_days,
    clean_text,
    elapsed,
    hours_minutes,
    localise,
    timeslot_minutes,
    unscheduled,
)
from tests.unit.barcamp.agenda_samples import (
    bare_camp,
    camp,
    full_camp,
    hostile_camp,
    one_session_camp,
)

EXPECTED_FILES = {
    "md": "agenda.md",
    "html": "agenda.html",
    "ics": "agenda.ics",
    "csv": "agenda.csv",
    "xml": "schedule.xml",
    "json": "schedule.json",
    "png": "agenda.png",
}


def test_registry_offers_every_format_with_its_file_name() -> None:
    assert {name: exporter.filename for name, exporter in EXPORTERS.items()} == EXPECTED_FILES
    assert all(exporter.format == name for name, exporter in EXPORTERS.items())
    assert EXPORTERS["ics"].media_type.startswith("text/calendar")


def test_registry_refuses_two_exporters_for_one_format() -> None:
    with pytest.raises(ValueError, match="md"):
        build_registry(MarkdownExporter(), MarkdownExporter())


def test_full_camp_is_grouped_into_two_days_with_the_late_slot_on_the_first() -> None:
    days = camp_days(full_camp())
    assert [day.date.isoformat() for day in days] == ["2024-09-14", "2024-09-15"]
    assert [day.index for day in days] == [1, 2]
    assert [len(day.sessions) for day in days] == [60, 60]
    assert days[0].rows[-1].start.hour == 23
    assert days[0].end.isoformat() == "2024-09-15T00:30:00+02:00"


def test_rows_list_sessions_in_room_order() -> None:
    first_row = camp_days(full_camp())[0].rows[0]
    assert [placed.room.id for placed in first_row.sessions] == [1, 2, 3, 4, 5, 6]


def test_breaks_are_rows_without_sessions() -> None:
    rows = camp_days(full_camp())[0].rows
    breaks = [row for row in rows if row.blocked]
    assert len(breaks) == 1
    assert breaks[0].sessions == ()


def test_duration_counts_real_time_across_the_end_of_summer_time() -> None:
    agenda = camp()
    start = localise(agenda, datetime(2024, 10, 27, 1, 30))
    end = localise(agenda, datetime(2024, 10, 27, 3, 30))
    assert elapsed(start, end) == timedelta(hours=3)
    assert hours_minutes(elapsed(start, end)) == "03:00"


def test_timeslot_is_the_greatest_common_divisor_of_the_grid() -> None:
    assert timeslot_minutes(full_camp()) == 15
    assert timeslot_minutes(bare_camp()) == 15
    ten_minute_grid = camp(
        slots=(
            AgendaSlot(1, datetime(2024, 9, 14, 10, 0), datetime(2024, 9, 14, 10, 50)),
            AgendaSlot(2, datetime(2024, 9, 14, 11, 0), datetime(2024, 9, 14, 11, 50)),
        )
    )
    assert timeslot_minutes(ten_minute_grid) == 10


def test_clean_text_drops_control_and_override_characters_only() -> None:
    assert clean_text("a\x00b\u202ec\x0b") == "abc"
    assert clean_text("שלום 🎉 Grüße\nzwei") == "שלום 🎉 Grüße\nzwei"


def test_unscheduled_sessions_are_those_without_slot_or_room() -> None:
    assert [session.number for session in unscheduled(hostile_camp())] == [99]
    assert unscheduled(full_camp()) == []


def test_personal_agenda_keeps_only_the_given_sessions() -> None:
    agenda = full_camp()
    mine = personal_agenda(agenda, [1001, 1120, 424242])
    assert [session.id for session in mine.sessions] == [1001, 1120]
    assert mine.rooms == agenda.rooms
    assert mine.slots == agenda.slots


def test_one_session_camp_has_exactly_one_placed_session() -> None:
    days = camp_days(one_session_camp())
    assert sum(len(day.sessions) for day in days) == 1
