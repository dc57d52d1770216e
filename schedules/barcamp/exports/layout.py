"""Shared building blocks of all exporters.

One place groups the grid into days of slot rows, one place turns wall-clock times
into time-zone-aware ones and measures durations, one place cleans user text and
builds the labels every format shows (title with draft marking, hosts, day names).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import groupby
from zoneinfo import ZoneInfo

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date

from schedules.barcamp.agenda_model import Agenda, AgendaRoom, AgendaSession, AgendaSlot
from schedules.barcamp.exports.base import Translate

Clock = Callable[[], datetime]
DEFAULT_TIMESLOT_MINUTES = 15
FALLBACK_LOCALE = "de"

# Characters XML 1.0 forbids, plus explicit bidi embeddings/overrides/isolates: the
# formats put user text in their own isolating markup, a stray override must not
# turn the rest of a line around.
_UNSAFE_CHARACTERS = re.compile(
    "[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u202a-\u202e\u2066-\u2069]"
)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PlacedSession:
    """A session with its room and its time-zone-aware start and end."""

    session: AgendaSession
    room: AgendaRoom
    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return elapsed(self.start, self.end)


@dataclass(frozen=True)
class SlotRow:
    """One slot of the grid with the sessions in it, ordered like the rooms."""

    slot: AgendaSlot
    start: datetime
    end: datetime
    sessions: tuple[PlacedSession, ...]

    @property
    def blocked(self) -> bool:
        """A break: shown as one row. A blocked slot that holds sessions still shows them."""
        return self.slot.blocked and not self.sessions

    def in_room(self, room: AgendaRoom) -> list[PlacedSession]:
        return [placed for placed in self.sessions if placed.room.id == room.id]


@dataclass(frozen=True)
class CampDay:
    """The slots starting on one calendar day; `index` counts from 1."""

    index: int
    date: date
    rows: tuple[SlotRow, ...]

    @property
    def start(self) -> datetime:
        return self.rows[0].start

    @property
    def end(self) -> datetime:
        return max(row.end for row in self.rows)

    @property
    def sessions(self) -> list[PlacedSession]:
        return [placed for row in self.rows for placed in row.sessions]


# --- time ------------------------------------------------------------------------


def utc_now() -> datetime:
    return datetime.now(UTC)


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def localise(agenda: Agenda, wall_clock: datetime) -> datetime:
    """A naive wall-clock time of the agenda as an aware datetime in its time zone."""
    return wall_clock.replace(tzinfo=zone(agenda.timezone))


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two aware datetimes, correct across daylight-saving changes."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def whole_minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def hours_minutes(delta: timedelta) -> str:
    """A duration as ``HH:MM``, e.g. ``00:45``; more than 99 hours get more digits."""
    minutes = whole_minutes(delta)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def time_range(start: datetime, end: datetime) -> str:
    return f"{clock(start)}–{clock(end)}"


def timeslot_minutes(agenda: Agenda) -> int:
    """The grid resolution: greatest common divisor of slot starts and lengths."""
    values = [
        value
        for slot in agenda.slots
        for value in (
            slot.start.hour * 60 + slot.start.minute,
            whole_minutes(elapsed(localise(agenda, slot.start), localise(agenda, slot.end))),
        )
    ]
    resolution = math.gcd(*values) if values else 0
    return resolution or DEFAULT_TIMESLOT_MINUTES


# --- grouping --------------------------------------------------------------------


def camp_days(agenda: Agenda) -> list[CampDay]:
    """All slots, grouped by the day they start on, each with its placed sessions."""
    rows = _slot_rows(agenda)
    grouped = groupby(rows, key=lambda row: row.slot.start.date())
    return [
        CampDay(index=index, date=day, rows=tuple(day_rows))
        for index, (day, day_rows) in enumerate(grouped, start=1)
    ]


def placed_sessions(agenda: Agenda) -> list[PlacedSession]:
    """Every session with a place in the grid, by start time, then room order."""
    return [placed for day in camp_days(agenda) for placed in day.sessions]


def unscheduled(agenda: Agenda) -> list[AgendaSession]:
    """Approved sessions without a slot or room yet, by number."""
    slot_ids = {slot.id for slot in agenda.slots}
    room_ids = {room.id for room in agenda.rooms}
    waiting = [
        session
        for session in agenda.sessions
        if session.slot_id not in slot_ids or session.room_id not in room_ids
    ]
    return sorted(waiting, key=lambda session: session.number)


def _slot_rows(agenda: Agenda) -> list[SlotRow]:
    by_slot = _sessions_by_slot(agenda)
    rows = []
    for slot in sorted(agenda.slots, key=lambda slot: (slot.start, slot.end)):
        start, end = localise(agenda, slot.start), localise(agenda, slot.end)
        sessions = tuple(
            PlacedSession(session=session, room=room, start=start, end=end)
            for session, room in by_slot.get(slot.id, [])
        )
        rows.append(SlotRow(slot=slot, start=start, end=end, sessions=sessions))
    return rows


def _sessions_by_slot(agenda: Agenda) -> dict[int, list[tuple[AgendaSession, AgendaRoom]]]:
    rooms = {room.id: (index, room) for index, room in enumerate(agenda.rooms)}
    by_slot: defaultdict[int, list[tuple[int, AgendaSession, AgendaRoom]]] = defaultdict(list)
    for session in agenda.sessions:
        if session.slot_id is not None and session.room_id in rooms:
            order, room = rooms[session.room_id]
            by_slot[session.slot_id].append((order, session, room))
    return {
        slot_id: [(session, room) for _, session, room in sorted(items, key=_room_then_number)]
        for slot_id, items in by_slot.items()
    }


def _room_then_number(item: tuple[int, AgendaSession, AgendaRoom]) -> tuple[int, int]:
    return item[0], item[1].number


# --- text ------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """User text without characters that no format can carry safely."""
    return _UNSAFE_CHARACTERS.sub("", text)


def one_line(text: str) -> str:
    """Cleaned user text with all whitespace, line breaks included, as single spaces."""
    return _WHITESPACE.sub(" ", clean_text(text)).strip()


def document_title(agenda: Agenda, t: Translate) -> str:
    """The camp's name, marked as a draft while the grid is not published."""
    name = one_line(agenda.name)
    return name if agenda.published else t("exports.draft_title", name=name)


def session_title(agenda: Agenda, session: AgendaSession, t: Translate) -> str:
    """A session's title, marked as a draft where it stands alone (calendar entries)."""
    title = one_line(session.title)
    return title if agenda.published else t("exports.draft_title", name=title)


def host_list(session: AgendaSession) -> tuple[str, ...]:
    """The hosts' display names, cleaned, without empty ones."""
    return tuple(name for name in (one_line(host) for host in session.hosts) if name)


def host_names(session: AgendaSession) -> str:
    return ", ".join(host_list(session))


def hosts_label(session: AgendaSession, t: Translate) -> str:
    """``mit Ana, Ben`` — or an empty string when nobody is named."""
    names = host_names(session)
    return t("exports.hosts", names=names) if names else ""


def day_label(day: date, t: Translate) -> str:
    """The full, localised name of a day, e.g. ``Samstag, 14. September 2024``."""
    return str(format_date(day, format="full", locale=_babel_locale(t("exports.locale"))))


@cache
def _babel_locale(code: str) -> Locale:
    try:
        return Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(FALLBACK_LOCALE)


def fingerprint(agenda: Agenda, length: int = 10) -> str:
    """A short digest of the agenda's content; changes whenever the grid changes."""
    return hashlib.sha256(repr(agenda).encode("utf-8", "replace")).hexdigest()[:length]
