"""Checks for what a BarCamp asks people to type: session titles, rooms and slots.

Bad input gets a catalogue key (`InputError`), never a change; the text checks
themselves are the core's."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from handlers.core.config import DESCRIPTION_MAX, TITLE_MAX, TITLE_MIN
from handlers.core.validation import (
    SKIP_WORDS,
    InputError,
    clean_text,
    has_substance,
    parse_date,
    plain,
)

MAX_ROOMS, MAX_SLOTS, MAX_CAPACITY = 50, 100, 10_000
ROOM_NAME_MAX = 40
BREAK_WORDS = {"pause", "break", "mittag", "lunch", "mittagspause"}


SLOT_PATTERN = re.compile(
    r"^(?:(?P<day>\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4})\s+)?"
    r"(?P<start>\d{1,2}[:.]\d{2})\s*[-–]\s*(?P<end>\d{1,2}[:.]\d{2})"
    r"(?:\s+(?P<label>\S.*))?$"
)


@dataclass(frozen=True)
class RoomInput:
    name: str
    capacity: int


@dataclass(frozen=True)
class SlotInput:
    starts_at: datetime
    ends_at: datetime
    blocked: bool = False


def session_title(raw: str) -> str:
    title = plain(clean_text(raw))
    if len(title) < TITLE_MIN or not has_substance(title):
        raise InputError("input.title_short", minimum=TITLE_MIN)
    if len(title) > TITLE_MAX:
        raise InputError("input.title_long", maximum=TITLE_MAX, length=len(title))
    return title


def session_description(raw: str) -> str:
    description = plain(clean_text(raw, multiline=True))
    if description.lower() in SKIP_WORDS:
        return ""
    if len(description) > DESCRIPTION_MAX:
        raise InputError("input.description_long", maximum=DESCRIPTION_MAX, length=len(description))
    return description


def rooms(raw: str) -> list[RoomInput]:
    """`Aula:60, Raum 1:20` -> rooms with capacities."""
    items = [item.strip() for item in plain(clean_text(raw)).split(",") if item.strip()]
    if not items:
        raise InputError("input.rooms_empty")
    if len(items) > MAX_ROOMS:
        raise InputError("input.rooms_many", maximum=MAX_ROOMS)
    parsed = [_room(item) for item in items]
    names = [room.name.casefold() for room in parsed]
    duplicate = next((room.name for room in parsed if names.count(room.name.casefold()) > 1), None)
    if duplicate is not None:
        raise InputError("input.room_duplicate", room=duplicate)
    return parsed


def slots(raw: str, day: date) -> list[SlotInput]:
    """`10:00-10:45, 11:00-11:45, 12:00-13:00 Pause`; a slot may start with its own date."""
    items = [item.strip() for item in clean_text(raw).replace(";", ",").split(",")]
    items = [item for item in items if item]
    if not items:
        raise InputError("input.slots_empty")
    if len(items) > MAX_SLOTS:
        raise InputError("input.slots_many", maximum=MAX_SLOTS)
    parsed = sorted((_slot(item, day) for item in items), key=lambda slot: slot.starts_at)
    for earlier, later in itertools.pairwise(parsed):
        if later.starts_at < earlier.ends_at:
            raise InputError(
                "input.slots_overlap",
                first=_slot_label(earlier),
                second=_slot_label(later),
            )
    return parsed


def _room(item: str) -> RoomInput:
    name, separator, capacity_text = item.rpartition(":")
    name = name.strip()
    if not separator or not name:
        raise InputError("input.room_format", item=item[:40])
    if len(name) > ROOM_NAME_MAX:
        raise InputError("input.room_name_long", maximum=ROOM_NAME_MAX)
    capacity_text = capacity_text.strip()
    if not (capacity_text.isascii() and capacity_text.isdigit()):
        raise InputError("input.room_capacity", room=name)
    capacity = int(capacity_text)
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InputError("input.room_capacity", room=name)
    return RoomInput(name, capacity)


def _slot(item: str, day: date) -> SlotInput:
    match = SLOT_PATTERN.match(item)
    if match is None:
        raise InputError("input.slot_format", item=item[:40])
    slot_day = day
    if match["day"]:
        parsed_day = parse_date(match["day"])
        if parsed_day is None:
            raise InputError("input.slot_format", item=item[:40])
        slot_day = parsed_day
    start, end = _clock_time(match["start"], item), _clock_time(match["end"], item)
    if end <= start:
        raise InputError("input.slot_order", item=item[:40])
    label = (match["label"] or "").strip().casefold()
    if label and label not in BREAK_WORDS:
        raise InputError("input.slot_format", item=item[:40])
    return SlotInput(
        datetime.combine(slot_day, start), datetime.combine(slot_day, end), bool(label)
    )


def _clock_time(text: str, item: str) -> time:
    hours, minutes = (int(part) for part in re.split(r"[:.]", text))
    if hours > 23 or minutes > 59:
        raise InputError("input.slot_format", item=item[:40])
    return time(hours, minutes)


def _slot_label(slot: SlotInput) -> str:
    return f"{slot.starts_at:%H:%M}-{slot.ends_at:%H:%M}"
