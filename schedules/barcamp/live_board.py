"""The live board's read model: what runs now and next in each room, as pure functions.

The web pages (projector board, door signs, the public agenda) render these values; the
time is the camp's wall-clock time (naive, in the agenda's time zone), as the slots are.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from schedules.barcamp.agenda_model import Agenda, AgendaRoom, AgendaSession, AgendaSlot


class Phase(StrEnum):
    BEFORE = "before"  # the first slot is still to come
    RUNNING = "running"  # a slot with sessions runs now
    BREAK = "break"  # a blocked slot (lunch, a break) runs now
    BETWEEN = "between"  # between two slots
    OVER = "over"  # after the last slot: "Danke!"


@dataclass(frozen=True)
class RoomLine:
    """One room on the board: the session in it now and the one after."""

    room: AgendaRoom
    now: AgendaSession | None
    next: AgendaSession | None


@dataclass(frozen=True)
class BoardState:
    phase: Phase
    current: AgendaSlot | None  # the slot running now (a break too)
    upcoming: AgendaSlot | None  # the slot after it (or the first one still to come)
    rooms: tuple[RoomLine, ...]
    # The next wall-clock moment the board looks different by itself (a slot starts or
    # ends); None after the last slot.
    changes_at: datetime | None


def public_agenda(agenda: Agenda, show_hosts: bool) -> Agenda:
    """What public pages show: sessions, rooms, times and (if the camp allows) hosts'
    names; no descriptions, no votes."""
    sessions = tuple(
        dataclasses.replace(
            session, description="", votes=0, hosts=session.hosts if show_hosts else ()
        )
        for session in agenda.sessions
    )
    return dataclasses.replace(agenda, sessions=sessions)


def slots_in_order(agenda: Agenda) -> list[AgendaSlot]:
    return sorted(agenda.slots, key=lambda slot: (slot.start, slot.end))


def current_slot(agenda: Agenda, now: datetime) -> AgendaSlot | None:
    """The slot that runs at `now`: starts at or before it and ends after it."""
    return next((slot for slot in slots_in_order(agenda) if slot.start <= now < slot.end), None)


def upcoming_slot(agenda: Agenda, now: datetime) -> AgendaSlot | None:
    """The first slot that starts after `now`."""
    return next((slot for slot in slots_in_order(agenda) if slot.start > now), None)


def phase_at(agenda: Agenda, now: datetime) -> Phase:
    current = current_slot(agenda, now)
    if current is not None:
        return Phase.BREAK if current.blocked else Phase.RUNNING
    slots = slots_in_order(agenda)
    if not slots or now >= max(slot.end for slot in slots):
        return Phase.OVER
    if now < slots[0].start:
        return Phase.BEFORE
    return Phase.BETWEEN


def next_change(agenda: Agenda, now: datetime) -> datetime | None:
    """The first slot start or end after `now`."""
    moments = [moment for slot in agenda.slots for moment in (slot.start, slot.end)]
    return min((moment for moment in moments if moment > now), default=None)


def session_in(agenda: Agenda, slot: AgendaSlot | None, room_id: int) -> AgendaSession | None:
    if slot is None or slot.blocked:
        return None
    return next((s for s in agenda.sessions if s.slot_id == slot.id and s.room_id == room_id), None)


def room_line(agenda: Agenda, room: AgendaRoom, now: datetime) -> RoomLine:
    current = current_slot(agenda, now)
    return RoomLine(
        room,
        session_in(agenda, current, room.id),
        session_in(agenda, upcoming_slot(agenda, now), room.id),
    )


def board_state(agenda: Agenda, now: datetime) -> BoardState:
    """The board at wall-clock time `now`."""
    return BoardState(
        phase=phase_at(agenda, now),
        current=current_slot(agenda, now),
        upcoming=upcoming_slot(agenda, now),
        rooms=tuple(room_line(agenda, room, now) for room in agenda.rooms),
        changes_at=next_change(agenda, now),
    )


def room_by_number(agenda: Agenda, number: int) -> AgendaRoom | None:
    """A door sign's room by its number in the camp's list of rooms, counted from 1."""
    return agenda.rooms[number - 1] if 1 <= number <= len(agenda.rooms) else None
