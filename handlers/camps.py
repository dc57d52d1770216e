"""Creating camps: shared by the /newcamp dialog, the CLI and TOML imports."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from handlers.validation import RoomInput, SlotInput
from storage.models import Event, EventKind, Role, Room, Slot
from storage.uow import UnitOfWork

# No 0/O, 1/I/L: a code read aloud or copied from a poster still works.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


@dataclass(frozen=True)
class CampInput:
    name: str
    starts_on: date
    place: str
    rooms: list[RoomInput]
    slots: list[SlotInput]
    timezone: str = "Europe/Berlin"
    kind: EventKind = EventKind.BARCAMP


def new_join_code(uow: UnitOfWork) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if uow.events.by_code(code) is None:
            return code


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:16]


def create_camp(uow: UnitOfWork, camp: CampInput, organiser_ids: list[int], now: datetime) -> Event:
    event = uow.events.add(
        Event(
            kind=camp.kind,
            name=camp.name,
            code=new_join_code(uow),
            starts_on=camp.starts_on,
            place=camp.place,
            timezone=camp.timezone,
            created_at=now,
        ),
        rooms=[Room(event_id=0, name=room.name, capacity=room.capacity) for room in camp.rooms],
        slots=[
            Slot(event_id=0, starts_at=slot.starts_at, ends_at=slot.ends_at, blocked=slot.blocked)
            for slot in camp.slots
        ],
    )
    assert event.id is not None
    for person_id in organiser_ids:
        uow.events.join(event.id, person_id, Role.ORGANISER, now)
        person = uow.people.get(person_id)
        if person is not None:
            person.active_event_id = event.id
    return event
