"""The live board's read model: what runs now and next, breaks, the end, public fields."""

from __future__ import annotations

from datetime import datetime

import pytest

from schedules.barcamp.agenda_model import Agenda, AgendaRoom, AgendaSession, AgendaSlot
from schedules.barcamp.live_board import (
    Phase,
    board_state,
    next_change,
    public_agenda,
    room_by_number,
    room_line,
)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 6, 13, hour, minute)


AULA, RAUM = AgendaRoom(1, "Aula", 60), AgendaRoom(2, "Raum 1", 20)
SLOTS = (
    AgendaSlot(10, at(10), at(10, 45)),
    AgendaSlot(11, at(11), at(11, 45)),
    AgendaSlot(12, at(12), at(13), blocked=True),
    AgendaSlot(13, at(13), at(13, 45)),
)
SKATE = AgendaSession(1, 1, "Skatepark", "Wo?", ("Ana",), 7, 10, 1)
BUS = AgendaSession(2, 2, "Busse", "", ("Ben",), 3, 11, 1)
ROOM = AgendaSession(3, 3, "Jugendraum", "", ("Cem",), 2, 13, 2)
UNPLACED = AgendaSession(4, 4, "Später", "")
AGENDA = Agenda(
    "K7M2QX",
    "Camp",
    "Jugendhaus",
    "Europe/Berlin",
    (AULA, RAUM),
    SLOTS,
    (SKATE, BUS, ROOM, UNPLACED),
    published=True,
)


@pytest.mark.parametrize(
    ("now", "phase", "current", "upcoming"),
    [
        (at(9), Phase.BEFORE, None, 10),
        (at(10), Phase.RUNNING, 10, 11),
        (at(10, 44), Phase.RUNNING, 10, 11),
        (at(10, 45), Phase.BETWEEN, None, 11),
        (at(12, 30), Phase.BREAK, 12, 13),
        (at(13, 45), Phase.OVER, None, None),
        (at(20), Phase.OVER, None, None),
    ],
)
def test_the_phase_and_slots_at_each_moment(
    now: datetime, phase: Phase, current: int | None, upcoming: int | None
) -> None:
    state = board_state(AGENDA, now)
    assert state.phase == phase
    assert (state.current and state.current.id) == current
    assert (state.upcoming and state.upcoming.id) == upcoming


def test_now_and_next_per_room() -> None:
    aula, raum = board_state(AGENDA, at(10, 15)).rooms
    assert (aula.room, aula.now, aula.next) == (AULA, SKATE, BUS)
    assert (raum.room, raum.now, raum.next) == (RAUM, None, None)


def test_a_break_has_no_sessions_now_and_shows_what_follows() -> None:
    line = room_line(AGENDA, RAUM, at(12, 10))
    assert (line.now, line.next) == (None, ROOM)


def test_the_board_changes_by_itself_at_the_next_start_or_end() -> None:
    assert next_change(AGENDA, at(9)) == at(10)
    assert next_change(AGENDA, at(10, 15)) == at(10, 45)
    assert next_change(AGENDA, at(13, 45)) is None
    assert board_state(AGENDA, at(12, 59)).changes_at == at(13)


def test_public_pages_show_no_descriptions_or_votes_and_hosts_only_if_allowed() -> None:
    shown = public_agenda(AGENDA, show_hosts=True)
    assert [(s.description, s.votes, s.hosts) for s in shown.sessions][:2] == [
        ("", 0, ("Ana",)),
        ("", 0, ("Ben",)),
    ]
    hidden = public_agenda(AGENDA, show_hosts=False)
    assert all(session.hosts == () for session in hidden.sessions)
    assert [s.title for s in hidden.sessions] == [s.title for s in AGENDA.sessions]


def test_door_signs_count_rooms_from_one() -> None:
    assert room_by_number(AGENDA, 1) == AULA
    assert room_by_number(AGENDA, 2) == RAUM
    assert room_by_number(AGENDA, 0) is None
    assert room_by_number(AGENDA, 3) is None


def test_an_agenda_without_slots_is_over_at_once() -> None:
    empty = Agenda("K7M2QX", "Camp", "", "Europe/Berlin", published=True)
    state = board_state(empty, at(10))
    assert (state.phase, state.rooms, state.changes_at) == (Phase.OVER, (), None)
