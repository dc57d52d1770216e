"""The frab / c3voc schedule model shared by ``schedule.xml`` and ``schedule.json``.

Conference apps (Giggity, EventFahrplan, ...) read these files. Both exporters build
the same conference, days and events from here and only differ in the notation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from schedules.barcamp.agenda_model import Agenda, AgendaRoom
from schedules.barcamp.exports.base import Translate
from schedules.barcamp.exports.layout import (
    CampDay,
    PlacedSession,
    camp_days,
    clean_text,
    clock,
    document_title,
    fingerprint,
    host_list,
    hours_minutes,
    one_line,
    timeslot_minutes,
    zone,
)

GENERATOR = "barcamp-bot"
SCHEDULE_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
MIN_ACRONYM_LENGTH = 4
TITLE_SLUG_LENGTH = 40
MIN_SLUG_WORDS_LENGTH = 3
GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


@dataclass(frozen=True)
class FrabEvent:
    id: int
    guid: str
    date: str
    start: str
    end: str
    duration: str
    room: str
    slug: str
    title: str
    abstract: str
    # frab's long text beside the abstract; a BarCamp session has one short text (the
    # abstract), so this stays None. Readers such as pyfahrplan expect the field.
    description: str | None
    persons: tuple[str, ...]


@dataclass(frozen=True)
class FrabRoom:
    name: str
    guid: str
    capacity: int
    events: tuple[FrabEvent, ...]


@dataclass(frozen=True)
class FrabDay:
    index: int
    date: str
    start: str
    end: str
    rooms: tuple[FrabRoom, ...]


@dataclass(frozen=True)
class FrabConference:
    acronym: str
    title: str
    version: str
    start: str
    end: str
    timeslot_duration: str
    time_zone_name: str
    language: str
    event_type: str
    draft_notice: str | None
    rooms: tuple[FrabRoom, ...]
    days: tuple[FrabDay, ...]


def frab_conference(agenda: Agenda, t: Translate, today: datetime) -> FrabConference:
    """The whole schedule; a camp without slots gets one empty day (its first day or `today`)."""
    days = tuple(_frab_day(agenda, day) for day in camp_days(agenda)) or (
        _empty_day(agenda, today),
    )
    return FrabConference(
        acronym=acronym(agenda.code),
        title=document_title(agenda, t),
        version=_version(agenda, t),
        start=days[0].date,
        end=days[-1].date,
        timeslot_duration=hours_minutes(timedelta(minutes=timeslot_minutes(agenda))),
        time_zone_name=agenda.timezone,
        language=agenda.language,
        event_type=t("exports.session_type"),
        draft_notice=None if agenda.published else one_line(t("exports.draft_notice")),
        rooms=tuple(_frab_room(agenda, room, ()) for room in agenda.rooms),
        days=days,
    )


def acronym(code: str) -> str:
    """The camp code as a frab acronym: lower case letters, digits, underscores, 4+ long."""
    text = re.sub(r"[^a-z0-9_]", "_", ascii_fold(code).lower())
    return text if len(text) >= MIN_ACRONYM_LENGTH else f"barcamp_{text}".rstrip("_")


def ascii_fold(text: str) -> str:
    """``Grüße`` -> ``Gruesse``: German spelling, other accents dropped, the rest removed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(GERMAN_LETTERS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def title_slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", ascii_fold(one_line(title)).lower())
    return "-".join(words)[:TITLE_SLUG_LENGTH].strip("-")


def _slug_tail(title: str) -> str:
    """The title part of an event slug; the XSD wants the part after the acronym 4+ long."""
    words = title_slug(title)
    return words if len(words) >= MIN_SLUG_WORDS_LENGTH else "session"


def _version(agenda: Agenda, t: Translate) -> str:
    digest = fingerprint(agenda)
    return digest if agenda.published else t("exports.draft_version", version=digest)


def _frab_day(agenda: Agenda, day: CampDay) -> FrabDay:
    rooms = tuple(
        _frab_room(agenda, room, (_frab_event(agenda, placed) for placed in _in_room(day, room)))
        for room in agenda.rooms
    )
    return FrabDay(
        index=day.index,
        date=day.date.isoformat(),
        start=day.start.isoformat(),
        end=day.end.isoformat(),
        rooms=rooms,
    )


def _in_room(day: CampDay, room: AgendaRoom) -> list[PlacedSession]:
    return [placed for row in day.rows for placed in row.in_room(room)]


def _empty_day(agenda: Agenda, today: datetime) -> FrabDay:
    local_day = agenda.starts_on or today.astimezone(zone(agenda.timezone)).date()
    start = datetime.combine(local_day, time(0, 0), zone(agenda.timezone))
    end = datetime.combine(local_day, time(23, 59), zone(agenda.timezone))
    rooms = tuple(_frab_room(agenda, room, ()) for room in agenda.rooms)
    return FrabDay(1, local_day.isoformat(), start.isoformat(), end.isoformat(), rooms)


def _frab_room(agenda: Agenda, room: AgendaRoom, events: Iterable[FrabEvent]) -> FrabRoom:
    return FrabRoom(
        name=one_line(room.name),
        guid=str(agenda.room_guid(room)),
        capacity=room.capacity,
        events=tuple(events),
    )


def _frab_event(agenda: Agenda, placed: PlacedSession) -> FrabEvent:
    session = placed.session
    return FrabEvent(
        id=session.id,
        guid=str(agenda.session_guid(session)),
        date=placed.start.isoformat(),
        start=clock(placed.start),
        end=placed.end.isoformat(),
        duration=hours_minutes(placed.duration),
        room=one_line(placed.room.name),
        slug=f"{acronym(agenda.code)}-{session.id}-{_slug_tail(session.title)}",
        title=one_line(session.title),
        abstract=clean_text(session.description).strip(),
        description=None,
        persons=host_list(session),
    )
