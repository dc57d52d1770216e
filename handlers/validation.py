"""Checks for what people type: bad input gets a catalogue key, never a change.

Used by the chat dialogs and by the CLI, so both explain a problem the same way.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from handlers.config import DESCRIPTION_MAX, TITLE_MAX, TITLE_MIN

MAX_ROOMS, MAX_SLOTS, MAX_CAPACITY = 50, 100, 10_000
ROOM_NAME_MAX, CAMP_NAME_MAX, PLACE_MAX = 40, 80, 120
# Zero-width joiner keeps emoji sequences (👩‍💻) intact; other format characters go.
KEPT_FORMAT_CHARACTERS = {"\u200d"}
SKIP_WORDS = {"-", "–", "nein", "no", "keine", "none", "skip"}
BREAK_WORDS = {"pause", "break", "mittag", "lunch", "mittagspause"}

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y")
# Markup and injection attempts are refused with a hint; output is escaped anyway.
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|&#?\w+;|\[[^\]]*\]\([^)]*\)")
CODE_LIKE = re.compile(
    r"(;|'|\b)\s*(drop|delete|truncate|alter|insert|update)\s+(table|from|into|set)\b"
    r"|\bunion\s+(all\s+)?select\b|'\s*or\s*'?\d*'?\s*=\s*'?\d*|--\s*$|/\*|\*/",
    re.IGNORECASE,
)
SLOT_PATTERN = re.compile(
    r"^(?:(?P<day>\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4})\s+)?"
    r"(?P<start>\d{1,2}[:.]\d{2})\s*[-–]\s*(?P<end>\d{1,2}[:.]\d{2})"
    r"(?:\s+(?P<label>\S.*))?$"
)


class Explained(Exception):
    """Stops a use case with a friendly message (a catalogue key); nothing is changed."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class InputError(Explained, ValueError):
    """Input that does not fit; `key` names the catalogue text that explains why."""


@dataclass(frozen=True)
class RoomInput:
    name: str
    capacity: int


@dataclass(frozen=True)
class SlotInput:
    starts_at: datetime
    ends_at: datetime
    blocked: bool = False


def clean_text(raw: str, *, multiline: bool = False) -> str:
    """NFC-normalised text without control or invisible format characters."""
    text = unicodedata.normalize("NFC", raw)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch == "\n" and multiline:
            kept.append(ch)
        elif category in ("Cc", "Cs", "Co", "Cn") or (
            category == "Cf" and ch not in KEPT_FORMAT_CHARACTERS
        ):
            kept.append(" ")
        else:
            kept.append(ch)
    lines = ["".join(line).strip() for line in "".join(kept).split("\n")]
    if multiline:
        return "\n".join(" ".join(line.split()) for line in lines).strip()
    return " ".join(" ".join(lines).split())


def plain(text: str) -> str:
    """Refuse text that carries markup or looks like an injection attempt."""
    if MARKUP.search(text):
        raise InputError("input.markup")
    if CODE_LIKE.search(text):
        raise InputError("input.code_like")
    return text


def has_substance(text: str) -> bool:
    """At least one letter or digit: "🎉🎉🎉" or "---" is no title."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


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


def camp_name(raw: str) -> str:
    name = plain(clean_text(raw))
    if len(name) < 3 or not has_substance(name):
        raise InputError("input.camp_name_short")
    if len(name) > CAMP_NAME_MAX:
        raise InputError("input.camp_name_long", maximum=CAMP_NAME_MAX)
    return name


def camp_place(raw: str) -> str:
    place = plain(clean_text(raw))
    if place.lower() in SKIP_WORDS:
        return ""
    if len(place) > PLACE_MAX:
        raise InputError("input.place_long", maximum=PLACE_MAX)
    return place


def camp_date(raw: str, today: date | None = None) -> date:
    """A date like 2026-06-13 or 13.06.2026; not in the past when `today` is given."""
    parsed = _parse_date(clean_text(raw))
    if parsed is None:
        raise InputError("input.date_format")
    if today is not None and parsed < today:
        raise InputError("input.date_past")
    return parsed


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
        parsed_day = _parse_date(match["day"])
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


def _parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _slot_label(slot: SlotInput) -> str:
    return f"{slot.starts_at:%H:%M}-{slot.ends_at:%H:%M}"
