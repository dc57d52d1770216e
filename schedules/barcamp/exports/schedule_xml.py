"""frab / c3voc ``schedule.xml`` (valid against the c3voc XSD)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.exports.base import Translate
from schedules.barcamp.exports.frab import (
    GENERATOR,
    FrabConference,
    FrabDay,
    FrabEvent,
    frab_conference,
)
from schedules.barcamp.exports.layout import Clock, utc_now


class ScheduleXmlExporter:
    format = "xml"
    media_type = "application/vnd.c3voc.schedule+xml"
    filename = "schedule.xml"

    def __init__(self, now: Clock = utc_now) -> None:
        self._now = now

    def render(self, agenda: Agenda, t: Translate) -> bytes:
        conference = frab_conference(agenda, t, self._now())
        root = ET.Element("schedule")
        ET.SubElement(root, "generator", name=GENERATOR)
        _text(root, "version", conference.version)
        root.append(_conference(conference))
        for day in conference.days:
            root.append(_day(day, conference))
        ET.indent(root)
        buffer = io.BytesIO()
        ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
        return buffer.getvalue() + b"\n"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _conference(conference: FrabConference) -> ET.Element:
    element = ET.Element("conference")
    _text(element, "acronym", conference.acronym)
    _text(element, "title", conference.title)
    _text(element, "start", conference.start)
    _text(element, "end", conference.end)
    _text(element, "days", str(len(conference.days)))
    _text(element, "timeslot_duration", conference.timeslot_duration)
    _text(element, "time_zone_name", conference.time_zone_name)
    return element


def _day(day: FrabDay, conference: FrabConference) -> ET.Element:
    element = ET.Element("day", date=day.date, start=day.start, end=day.end, index=str(day.index))
    for room in day.rooms:
        room_element = ET.SubElement(element, "room", name=room.name, guid=room.guid)
        for event in room.events:
            room_element.append(_event(event, conference))
    return element


def _event(event: FrabEvent, conference: FrabConference) -> ET.Element:
    element = ET.Element("event", id=str(event.id), guid=event.guid)
    for tag, text in (
        ("date", event.date),
        ("start", event.start),
        ("duration", event.duration),
        ("room", event.room),
        ("slug", event.slug),
        ("title", event.title),
        ("subtitle", ""),
        ("track", ""),
        ("type", conference.event_type),
        ("language", conference.language),
        ("abstract", event.abstract),
    ):
        _text(element, tag, text)
    persons = ET.SubElement(element, "persons")
    for name in event.persons:
        _text(persons, "person", name)
    element.append(_no_recording())
    return element


def _no_recording() -> ET.Element:
    """Youth camps: sessions are not recorded (tells c3voc tooling to keep away)."""
    recording = ET.Element("recording")
    _text(recording, "license", "")
    _text(recording, "optout", "true")
    return recording
