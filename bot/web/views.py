"""From a published camp and the time to what the templates show: plain values only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schedules.barcamp.agenda_model import Agenda, AgendaSession, AgendaSlot
from schedules.barcamp.exports.layout import (
    CampDay,
    camp_days,
    clock,
    host_names,
    one_line,
    time_range,
    zone,
)
from schedules.barcamp.live_board import (
    BoardState,
    RoomLine,
    board_state,
    current_slot,
    room_by_number,
    room_line,
)


@dataclass(frozen=True)
class SessionView:
    title: str
    hosts: str
    room: str
    time: str


@dataclass(frozen=True)
class Moment:
    """The server's time, for the page's clock (which runs on by itself)."""

    epoch_ms: int
    wall: datetime  # the camp's wall-clock time, naive like its slots
    text: str


def moment(agenda: Agenda, now: datetime) -> Moment:
    wall = now.astimezone(zone(agenda.timezone)).replace(tzinfo=None)
    return Moment(int(now.timestamp() * 1000), wall, clock(wall))


def session_view(agenda: Agenda, session: AgendaSession | None) -> SessionView | None:
    if session is None or session.slot_id is None or session.room_id is None:
        return None
    slot = agenda.slot(session.slot_id)
    return SessionView(
        title=one_line(session.title),
        hosts=host_names(session),
        room=one_line(agenda.room(session.room_id).name),
        time=time_range(slot.start, slot.end),
    )


def slot_time(slot: AgendaSlot | None) -> str:
    return time_range(slot.start, slot.end) if slot else ""


@dataclass(frozen=True)
class BoardView:
    state: BoardState
    lines: tuple[tuple[str, SessionView | None, SessionView | None], ...]

    @property
    def key(self) -> tuple[object, ...]:
        """What the board shows besides the agenda's version: it changes with the slot."""
        current, upcoming = self.state.current, self.state.upcoming
        return (self.state.phase, current and current.id, upcoming and upcoming.id)


def board_view(agenda: Agenda, wall: datetime) -> BoardView:
    state = board_state(agenda, wall)
    return BoardView(state, tuple(_line(agenda, line) for line in state.rooms))


def room_view(agenda: Agenda, number: int, wall: datetime) -> BoardView | None:
    room = room_by_number(agenda, number)
    if room is None:
        return None
    state = board_state(agenda, wall)
    line = _line(agenda, room_line(agenda, room, wall))
    return BoardView(state, (line,))


def _line(agenda: Agenda, line: RoomLine) -> tuple[str, SessionView | None, SessionView | None]:
    return (
        one_line(line.room.name),
        session_view(agenda, line.now),
        session_view(agenda, line.next),
    )


@dataclass(frozen=True)
class AgendaView:
    days: list[CampDay]
    current: int | None  # the id of the slot running now

    @property
    def key(self) -> tuple[object, ...]:
        return (self.current,)


def agenda_view(agenda: Agenda, wall: datetime) -> AgendaView:
    slot = current_slot(agenda, wall)
    return AgendaView(camp_days(agenda), slot.id if slot else None)
