"""Checks for what people type: bad input gets a catalogue key, never a change.

Used by the chat dialogs and by the CLI, so both explain a problem the same way. What
only one domain asks for (a camp's rooms and slots) lives in that domain's folder.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from datetime import date, datetime

EVENT_NAME_MAX, PLACE_MAX = 80, 120
# Zero-width joiner keeps emoji sequences (👩‍💻) intact; other format characters go.
KEPT_FORMAT_CHARACTERS = {"\u200d"}
SKIP_WORDS = {"-", "–", "nein", "no", "keine", "none", "skip"}

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y")
# Markup and injection attempts are refused with a hint; output is escaped anyway.
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|&#?\w+;|\[[^\]]*\]\([^)]*\)")
CODE_LIKE = re.compile(
    r"(;|'|\b)\s*(drop|delete|truncate|alter|insert|update)\s+(table|from|into|set)\b"
    r"|\bunion\s+(all\s+)?select\b|'\s*or\s*'?\d*'?\s*=\s*'?\d*|--\s*$|/\*|\*/",
    re.IGNORECASE,
)


class Explained(Exception):
    """Stops a use case with a friendly message (a catalogue key); nothing is changed."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class InputError(Explained, ValueError):
    """Input that does not fit; `key` names the catalogue text that explains why."""


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


def event_name(raw: str) -> str:
    return title_text(raw, EVENT_NAME_MAX, "input.camp_name_short", "input.camp_name_long")


def title_text(raw: str, maximum: int, too_short: str, too_long: str) -> str:
    """A name or title: plain, 3 to `maximum` characters with a letter or digit; the keys
    explain (the long one with `maximum`)."""
    name = plain(clean_text(raw))
    if len(name) < 3 or not has_substance(name):
        raise InputError(too_short)
    if len(name) > maximum:
        raise InputError(too_long, maximum=maximum)
    return name


def event_place(raw: str) -> str:
    place = plain(clean_text(raw))
    if place.lower() in SKIP_WORDS:
        return ""
    if len(place) > PLACE_MAX:
        raise InputError("input.place_long", maximum=PLACE_MAX)
    return place


def calendar_date(raw: str, today: date | None = None) -> date:
    """A date like 2026-06-13 or 13.06.2026; not in the past when `today` is given."""
    parsed = parse_date(clean_text(raw))
    if parsed is None:
        raise InputError("input.date_format")
    if today is not None and parsed < today:
        raise InputError("input.date_past")
    return parsed


def parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def time_zone(raw: str, default: str) -> str:
    """An IANA time zone like Europe/Berlin; a skip word keeps `default`."""
    text = clean_text(raw)
    if text.lower() in SKIP_WORDS:
        return default
    if text in zoneinfo.available_timezones():
        return text
    # People type "europe/berlin" or "Europe/berlin": match regardless of case.
    matches = [zone for zone in zoneinfo.available_timezones() if zone.lower() == text.lower()]
    if len(matches) == 1:
        return matches[0]
    raise InputError("input.time_zone", example=default)
