"""c3voc ``schedule.json`` (valid against the c3voc JSON schema)."""

from __future__ import annotations

import json
from typing import Any

from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.exports.base import Translate
from schedules.barcamp.exports.frab import (
    GENERATOR,
    SCHEDULE_SCHEMA_URL,
    FrabConference,
    FrabDay,
    FrabEvent,
    FrabRoom,
    frab_conference,
)
from schedules.barcamp.exports.layout import Clock, utc_now

JsonObject = dict[str, Any]


class ScheduleJsonExporter:
    format = "json"
    media_type = "application/json"
    filename = "schedule.json"

    def __init__(self, now: Clock = utc_now) -> None:
        self._now = now

    def render(self, agenda: Agenda, t: Translate) -> bytes:
        conference = frab_conference(agenda, t, self._now())
        document = {
            "$schema": SCHEDULE_SCHEMA_URL,
            "generator": {"name": GENERATOR},
            "schedule": {"version": conference.version, "conference": _conference(conference)},
        }
        return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _conference(conference: FrabConference) -> JsonObject:
    fields: JsonObject = {
        "acronym": conference.acronym,
        "title": conference.title,
        "start": conference.start,
        "end": conference.end,
        "daysCount": len(conference.days),
        "timeslot_duration": conference.timeslot_duration,
        "time_zone_name": conference.time_zone_name,
        "rooms": [_room(room) for room in conference.rooms],
        "days": [_day(day, conference) for day in conference.days],
    }
    if conference.draft_notice:
        fields["description"] = conference.draft_notice
    return fields


def _room(room: FrabRoom) -> JsonObject:
    return {"name": room.name, "guid": room.guid, "capacity": room.capacity}


def _day(day: FrabDay, conference: FrabConference) -> JsonObject:
    return {
        "index": day.index,
        "date": day.date,
        "day_start": day.start,
        "day_end": day.end,
        "rooms": _events_by_room_name(day, conference),
    }


def _events_by_room_name(day: FrabDay, conference: FrabConference) -> JsonObject:
    """Rooms are keyed by name here; rooms that share a name share one list."""
    rooms: dict[str, list[JsonObject]] = {}
    for room in day.rooms:
        rooms.setdefault(room.name, []).extend(_event(event, conference) for event in room.events)
    return dict(rooms)


def _event(event: FrabEvent, conference: FrabConference) -> JsonObject:
    return {
        "guid": event.guid,
        "id": event.id,
        "date": event.date,
        "start": event.start,
        "end": event.end,
        "duration": event.duration,
        "room": event.room,
        "slug": event.slug,
        "url": f"urn:uuid:{event.guid}",
        "title": event.title,
        "subtitle": "",
        "track": None,
        "type": conference.event_type,
        "language": conference.language,
        "abstract": event.abstract,
        "description": event.description,
        "do_not_record": True,
        "persons": [{"name": name, "public_name": name} for name in event.persons],
        "links": [],
    }
