"""iCalendar export parsed back with icalendar, field by field."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.exports import IcsExporter, render_personal_ics
from tests.unit.barcamp.agenda_samples import (
    FIXED_NOW,
    bare_camp,
    empty_camp,
    fixed_clock,
    full_camp,
    hostile_camp,
    one_session_camp,
    render_with,
    translator,
)

BERLIN = ZoneInfo("Europe/Berlin")


def calendar_of(agenda: Agenda, exporter: IcsExporter | None = None) -> Calendar:
    output = render_with(exporter or IcsExporter(now=fixed_clock), agenda)
    return Calendar.from_ical(output)


def events_of(calendar: Calendar) -> list[Event]:
    return calendar.events


def start_of(event: Event) -> datetime:
    start = event.start
    assert isinstance(start, datetime)
    return start


def test_one_session_field_by_field() -> None:
    agenda = one_session_camp()
    (event,) = events_of(calendar_of(agenda))
    assert str(event["UID"]) == str(agenda.session_guid(agenda.sessions[0]))
    assert str(event["SUMMARY"]) == "Skatepark für alle"
    assert str(event["LOCATION"]) == "Aula"
    assert str(event["DESCRIPTION"]) == (
        "Wo könnte ein Skatepark hin? Wir sammeln Ideen für den Jugendrat.\n\nmit Ana, Ben\n\nNr. 1"
    )
    assert event.start == datetime(2024, 9, 14, 10, 30, tzinfo=BERLIN)
    assert event.end == datetime(2024, 9, 14, 11, 15, tzinfo=BERLIN)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTEND"].params["TZID"] == "Europe/Berlin"
    assert event.DTSTAMP == FIXED_NOW
    assert str(event["STATUS"]) == "CONFIRMED"


def test_calendar_carries_the_time_zone() -> None:
    calendar = calendar_of(one_session_camp())
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Berlin"
    assert calendar.get_missing_tzids() == set()
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Berlin"
    assert str(calendar["X-WR-CALNAME"]) == "Jugend-BarCamp Musterstadt"


def test_uids_are_stable_across_renders_and_clocks() -> None:
    agenda = full_camp()
    later = IcsExporter(now=lambda: datetime(2025, 1, 1, tzinfo=UTC))
    first = [str(event["UID"]) for event in events_of(calendar_of(agenda))]
    second = [str(event["UID"]) for event in events_of(calendar_of(agenda, later))]
    assert first == second
    assert len(set(first)) == 120
    assert set(first) == {str(agenda.session_guid(session)) for session in agenda.sessions}


def test_full_camp_events_keep_wall_clock_times_over_two_days() -> None:
    events = events_of(calendar_of(full_camp()))
    assert len(events) == 120
    assert {start_of(event).date().isoformat() for event in events} == {
        "2024-09-14",
        "2024-09-15",
    }
    late = [event for event in events if start_of(event).hour == 23]
    assert len(late) == 6
    assert {event.end for event in late} == {datetime(2024, 9, 15, 0, 30, tzinfo=BERLIN)}
    assert {str(event["LOCATION"]) for event in events} == {room.name for room in full_camp().rooms}


def test_empty_and_bare_camps_are_valid_calendars_without_events() -> None:
    for agenda in (empty_camp(), bare_camp()):
        calendar = calendar_of(agenda)
        assert events_of(calendar) == []
        assert len(calendar.walk("VTIMEZONE")) == 1


def test_draft_is_tentative_and_says_so() -> None:
    agenda = one_session_camp(published=False)
    calendar = calendar_of(agenda)
    (event,) = events_of(calendar)
    assert str(calendar["X-WR-CALNAME"]) == "Entwurf: Jugend-BarCamp Musterstadt"
    assert str(calendar["DESCRIPTION"]).startswith("Entwurf – dieser Plan")
    assert str(event["SUMMARY"]) == "Entwurf: Skatepark für alle"
    assert str(event["STATUS"]) == "TENTATIVE"


def test_hostile_text_round_trips() -> None:
    summaries = {str(event["SUMMARY"]) for event in events_of(calendar_of(hostile_camp()))}
    assert "\"Quotes\" & 'apostrophes' <b>bold</b> &amp; &lt;" in summaries
    assert "# Überschrift - Liste [Link](javascript:alert(1)) | Tabelle ~~durch~~" in summaries


def test_personal_calendar_has_only_my_sessions() -> None:
    agenda = full_camp()
    output = render_personal_ics(agenda, [1001, 1061], translator("de"))
    calendar = Calendar.from_ical(output)
    mine = {str(agenda.session_guid(s)) for s in agenda.sessions if s.id in {1001, 1061}}
    assert {str(event["UID"]) for event in events_of(calendar)} == mine
    assert str(calendar["X-WR-CALNAME"]) == "Mein Plan – Jugend-BarCamp Musterstadt 2024"
