"""Creating camps: shared by the /newcamp dialog, the CLI and TOML imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.barcamp.camp_input import RoomInput, SlotInput
from handlers.core.new_events import NewEvent, open_event
from storage.barcamp.camp_tables import Room, Slot
from storage.core.shared_tables import Event, EventKind
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
    new = NewEvent(camp.kind, camp.name, camp.place, camp.timezone, camp.starts_on)
    event = open_event(uow, new, organiser_ids, now)
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
    return event
