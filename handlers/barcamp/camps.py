"""Creating camps: shared by the /newcamp dialog, the CLI and TOML imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.barcamp.camp_input import RoomInput, SlotInput
from handlers.core.join_codes import new_join_code
from storage.barcamp.camp_tables import Room, Slot
from storage.core.shared_tables import Event, EventKind, Role
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class CampInput:
    name: str
    starts_on: date
    place: str
    rooms: list[RoomInput]
    slots: list[SlotInput]
    timezone: str = "Europe/Berlin"
    kind: EventKind = EventKind.BARCAMP


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
        )
    )
    assert event.id is not None
    if camp.kind is EventKind.BARCAMP:  # a council has no camp settings
        uow.camp_settings.create(event.id)
    uow.grid.add_layout(
        event.id,
        rooms=[Room(event_id=0, name=room.name, capacity=room.capacity) for room in camp.rooms],
        slots=[
            Slot(event_id=0, starts_at=slot.starts_at, ends_at=slot.ends_at, blocked=slot.blocked)
            for slot in camp.slots
        ],
    )
    for person_id in organiser_ids:
        uow.events.join(event.id, person_id, Role.ORGANISER, now)
        person = uow.people.get(person_id)
        if person is not None:
            person.active_event_id = event.id
    return event
