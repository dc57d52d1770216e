"""frab / c3voc schedule.xml and schedule.json, validated against the vendored schemas."""

from __future__ import annotations

import importlib
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import xmlschema

from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.exports import ScheduleJsonExporter, ScheduleXmlExporter
from schedules.barcamp.exports.frab import acronym, title_slug
from tests.support.exports import schedule_json_validator, schedule_xsd
from tests.unit.barcamp.agenda_samples import (
    SAMPLES,
    bare_camp,
    fixed_clock,
    full_camp,
    hostile_camp,
    one_session_camp,
    render_with,
)

XML_EXPORTER = ScheduleXmlExporter(now=fixed_clock)
JSON_EXPORTER = ScheduleJsonExporter(now=fixed_clock)


@pytest.fixture(scope="module")
def xsd() -> xmlschema.XMLSchema:
    return schedule_xsd()


@pytest.fixture(scope="module")
def json_validator() -> jsonschema.Draft6Validator:
    return schedule_json_validator()


@pytest.fixture(scope="module")
def pyfahrplan() -> ModuleType:
    """pyfahrplan's module; importing it installs a global requests cache, taken off here."""
    module = importlib.import_module("pyfahrplan.pyfahrplan")
    requests_cache = importlib.import_module("requests_cache")
    requests_cache.uninstall_cache()
    return module


def pyfahrplan_talks(pyfahrplan: ModuleType, agenda: Agenda) -> list[dict[str, Any]]:
    """Our schedule.json as pyfahrplan reads a downloaded one (`Fahrplan.flatten_fahrplans`).

    `Fahrplan()` itself downloads the CCC's schedules first, so ours is put in its place.
    """
    reader = pyfahrplan.Fahrplan.__new__(pyfahrplan.Fahrplan)
    reader.fahrplans = [json_of(agenda)["schedule"]]
    reader.flatten_fahrplans()
    talks: list[dict[str, Any]] = reader.flat_plans
    return talks


def xml_of(agenda: Agenda) -> ET.Element:
    return ET.fromstring(render_with(XML_EXPORTER, agenda))


def json_of(agenda: Agenda) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render_with(JSON_EXPORTER, agenda))
    return document


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_schedule_xml_is_valid(sample: str, xsd: xmlschema.XMLSchema) -> None:
    for published in (True, False):
        agenda = SAMPLES[sample]()
        output = render_with(XML_EXPORTER, replace(agenda, published=published))
        xsd.validate(output.decode("utf-8"))


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_schedule_json_is_valid(sample: str, json_validator: jsonschema.Draft6Validator) -> None:
    for published in (True, False):
        agenda = SAMPLES[sample]()
        document = json_of(replace(agenda, published=published))
        errors = [error.message for error in json_validator.iter_errors(document)]
        assert errors == []


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_pyfahrplan_reads_our_schedule_json(sample: str, pyfahrplan: ModuleType) -> None:
    for published in (True, False):
        agenda = replace(SAMPLES[sample](), published=published)
        talks = pyfahrplan_talks(pyfahrplan, agenda)
        placed = [s for s in agenda.sessions if s.slot_id is not None and s.room_id is not None]
        assert sorted(talk["talk_id"] for talk in talks) == sorted(s.id for s in placed)


def test_pyfahrplan_sees_the_session_as_we_wrote_it(pyfahrplan: ModuleType) -> None:
    (talk,) = pyfahrplan_talks(pyfahrplan, one_session_camp())
    assert talk["title"] == "Skatepark für alle"
    assert talk["room"] == "Aula"
    assert talk["speakers"] == "Ana, Ben"
    assert (talk["talk_start"], talk["talk_duration"]) == ("10:30", "00:45")
    assert talk["talk_abstract"].startswith("Wo könnte ein Skatepark hin?")
    assert talk["talk_description"] == ""
    # Its filters and its clock arithmetic work on our values too.
    assert pyfahrplan.filter_talk(talk, room="aula", title="skatepark")
    assert not pyfahrplan.filter_talk(talk, room="Raum 1")
    ended = datetime(2024, 9, 14, 9, 16, tzinfo=UTC)  # 11:16 in Berlin, after 10:30 + 45 min
    assert pyfahrplan.is_talk_in_past(talk, ended)
    assert not pyfahrplan.is_talk_in_past(talk, ended.replace(minute=14))


def test_the_json_validator_does_reject_broken_documents(
    json_validator: jsonschema.Draft6Validator,
) -> None:
    document = json_of(one_session_camp())
    event = document["schedule"]["conference"]["days"][0]["rooms"]["Aula"][0]
    event["date"] = "2024-09-14T10:30:00"
    assert not json_validator.is_valid(document), "date-time without offset"


@pytest.mark.parametrize("title", ["A", "🎉", "Öl", "Über-Über", "x" * 200])
def test_slugs_of_odd_titles_are_valid(
    title: str, xsd: xmlschema.XMLSchema, json_validator: jsonschema.Draft6Validator
) -> None:
    agenda = one_session_camp()
    odd = replace(agenda, sessions=(replace(agenda.sessions[0], title=title),))
    xsd.validate(render_with(XML_EXPORTER, odd).decode("utf-8"))
    assert json_validator.is_valid(json_of(odd))


def test_the_xsd_does_reject_broken_documents(xsd: xmlschema.XMLSchema) -> None:
    root = xml_of(one_session_camp())
    event = root.find("day/room/event")
    assert event is not None
    event.set("guid", "not-a-uuid")
    assert not xsd.is_valid(ET.tostring(root, encoding="unicode"))


def test_xml_full_camp_days_rooms_and_events() -> None:
    agenda = full_camp()
    root = xml_of(agenda)
    days = root.findall("day")
    assert [(d.get("index"), d.get("date")) for d in days] == [
        ("1", "2024-09-14"),
        ("2", "2024-09-15"),
    ]
    assert days[0].get("end") == "2024-09-15T00:30:00+02:00"
    events = root.findall("day/room/event")
    assert len(events) == 120
    assert {e.get("guid") for e in events} == {str(agenda.session_guid(s)) for s in agenda.sessions}
    room_guids = {room.get("guid") for room in days[0].findall("room")}
    assert room_guids == {str(agenda.room_guid(room)) for room in agenda.rooms}
    assert root.findtext("conference/days") == "2"


def test_xml_event_fields() -> None:
    agenda = one_session_camp()
    event = xml_of(agenda).find("day/room/event")
    assert event is not None
    assert event.get("id") == "7"
    assert event.findtext("date") == "2024-09-14T10:30:00+02:00"
    assert event.findtext("start") == "10:30"
    assert event.findtext("duration") == "00:45"
    assert event.findtext("room") == "Aula"
    assert event.findtext("title") == "Skatepark für alle"
    assert event.findtext("slug") == "jbc_musterstadt-7-skatepark-fuer-alle"
    assert [p.text for p in event.findall("persons/person")] == ["Ana", "Ben"]
    assert event.findtext("recording/optout") == "true"


def test_json_full_camp_conference_and_events() -> None:
    agenda = full_camp()
    conference = json_of(agenda)["schedule"]["conference"]
    assert conference["daysCount"] == 2
    assert (conference["start"], conference["end"]) == ("2024-09-14", "2024-09-15")
    assert conference["time_zone_name"] == "Europe/Berlin"
    assert conference["timeslot_duration"] == "00:15"
    assert [room["guid"] for room in conference["rooms"]] == [
        str(agenda.room_guid(room)) for room in agenda.rooms
    ]
    events = [e for day in conference["days"] for room in day["rooms"].values() for e in room]
    assert len(events) == 120
    late = next(e for e in events if e["start"] == "23:30")
    assert late["duration"] == "01:00"
    assert late["end"] == "2024-09-15T00:30:00+02:00"


def test_guids_are_stable_between_renders_and_formats() -> None:
    agenda = full_camp()
    first = [e.get("guid", "") for e in xml_of(agenda).iter("event")]
    second = [e.get("guid", "") for e in xml_of(agenda).iter("event")]
    conference = json_of(agenda)["schedule"]["conference"]
    from_json = [e["guid"] for day in conference["days"] for r in day["rooms"].values() for e in r]
    assert first == second
    assert sorted(first) == sorted(from_json)


def test_drafts_are_marked_in_title_and_version() -> None:
    agenda = one_session_camp(published=False)
    root = xml_of(agenda)
    assert root.findtext("conference/title") == "Entwurf: Jugend-BarCamp Musterstadt"
    assert (root.findtext("version") or "").startswith("Entwurf ")
    schedule = json_of(agenda)["schedule"]
    assert schedule["conference"]["title"] == "Entwurf: Jugend-BarCamp Musterstadt"
    assert schedule["version"].startswith("Entwurf ")
    assert schedule["conference"]["description"].startswith("Entwurf – dieser Plan")


def test_a_camp_without_slots_is_dated_by_its_first_day() -> None:
    dated = replace(bare_camp(), starts_on=date(2024, 9, 21))
    assert [day.get("date") for day in xml_of(dated).findall("day")] == ["2024-09-21"]
    conference = json_of(dated)["schedule"]["conference"]
    assert (conference["start"], conference["end"]) == ("2024-09-21", "2024-09-21")
    # Without a first day the clock's day stands in (fixed_clock: 2024-09-01).
    assert [day.get("date") for day in xml_of(bare_camp()).findall("day")] == ["2024-09-01"]


def test_version_changes_with_the_grid() -> None:
    before = json_of(one_session_camp())["schedule"]["version"]
    after = json_of(full_camp())["schedule"]["version"]
    assert before != after
    assert before == json_of(one_session_camp())["schedule"]["version"]


def test_hostile_text_survives_as_text() -> None:
    titles = {e.findtext("title") for e in xml_of(hostile_camp()).iter("event")}
    assert "<script>alert(1)</script>" in titles
    assert "Steuerzeichen und umgedreht" in titles


@pytest.mark.parametrize(
    ("code", "expected"),
    [("JBC-MUSTERSTADT", "jbc_musterstadt"), ("ab", "barcamp_ab"), ("Ülm 24", "uelm_24")],
)
def test_acronym_fits_both_schemas(code: str, expected: str) -> None:
    assert acronym(code) == expected


def test_title_slug_is_ascii_and_short() -> None:
    assert title_slug("Grüße & Küsse: 🎉 Über alles!") == "gruesse-kuesse-ueber-alles"
    assert title_slug("🎉") == ""
    assert len(title_slug("wort " * 40)) <= 40
