"""What every new event gets, camp or council: a join code and its organisers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.core.join_codes import new_join_code
from storage.core.shared_tables import Event, EventKind, Role
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class NewEvent:
    """What the organiser typed of any kind of event."""

    kind: EventKind
    name: str
    place: str
    timezone: str
    starts_on: date | None = None


def open_event(uow: UnitOfWork, new: NewEvent, organiser_ids: list[int], now: datetime) -> Event:
    """Store the event with a fresh join code; the organisers join it and it becomes their
    active event."""
    event = uow.events.add(
        Event(
            kind=new.kind,
            name=new.name,
            code=new_join_code(uow),
            starts_on=new.starts_on,
            place=new.place,
            timezone=new.timezone,
            created_at=now,
        )
    )
    assert event.id is not None
    for person_id in organiser_ids:
        uow.events.join(event.id, person_id, Role.ORGANISER, now)
        person = uow.people.get(person_id)
        if person is not None:
            person.active_event_id = event.id
    return event
