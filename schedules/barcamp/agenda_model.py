"""The agenda as plain values: what planners read and exporters render.

Kept free of the store so that exporters and planners are small, pure and testable;
`handlers` builds an `Agenda` from the store.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

# Fixed namespace: GUIDs of rooms and sessions stay stable across exports and machines.
AGENDA_NAMESPACE = uuid.UUID("6f1c8a52-3c0e-4f43-9d51-7a0c2b7e5d10")


@dataclass(frozen=True)
class AgendaRoom:
    id: int
    name: str
    capacity: int


@dataclass(frozen=True)
class AgendaSlot:
    """A time slot; `start` and `end` are naive wall-clock times in the agenda's time zone."""

    id: int
    start: datetime
    end: datetime
    blocked: bool = False


@dataclass(frozen=True)
class AgendaSession:
    """An approved proposal; `slot_id`/`room_id` are None while it has no place in the grid."""

    id: int
    number: int
    title: str
    description: str
    hosts: tuple[str, ...] = ()
    votes: int = 0
    slot_id: int | None = None
    room_id: int | None = None
    # Rises each time the session moves on the published agenda (the calendar's SEQUENCE).
    sequence: int = 0


@dataclass(frozen=True)
class Agenda:
    code: str
    name: str
    place: str
    timezone: str
    rooms: tuple[AgendaRoom, ...] = ()
    slots: tuple[AgendaSlot, ...] = ()
    sessions: tuple[AgendaSession, ...] = ()
    published: bool = False
    language: str = "de"
    # The camp's first day: the date of schedule.xml/json while there are no slots yet.
    starts_on: date | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def room(self, room_id: int) -> AgendaRoom:
        return next(room for room in self.rooms if room.id == room_id)

    def slot(self, slot_id: int) -> AgendaSlot:
        return next(slot for slot in self.slots if slot.id == slot_id)

    def scheduled(self) -> list[AgendaSession]:
        """Sessions with a place in the grid, ordered by start time, then room order."""
        room_order = {room.id: index for index, room in enumerate(self.rooms)}
        placed = [
            (self.slot(s.slot_id).start, room_order[s.room_id], s)
            for s in self.sessions
            if s.slot_id is not None and s.room_id is not None
        ]
        return [session for _, _, session in sorted(placed, key=lambda item: item[:2])]

    def session_guid(self, session: AgendaSession) -> uuid.UUID:
        return uuid.uuid5(AGENDA_NAMESPACE, f"{self.code}/session/{session.id}")

    def room_guid(self, room: AgendaRoom) -> uuid.UUID:
        return uuid.uuid5(AGENDA_NAMESPACE, f"{self.code}/room/{room.id}")
