"""Creating councils: shared by the /newcouncil command, its dialog and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from handlers.core.new_events import NewEvent, open_event
from handlers.council.quorum import Quorum
from storage.core.shared_tables import Event, EventKind
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class CouncilInput:
    name: str
    place: str
    timezone: str = "Europe/Berlin"
    quorum: Quorum = field(default_factory=Quorum)


def create_council(
    uow: UnitOfWork, council: CouncilInput, organiser_ids: list[int], now: datetime
) -> Event:
    """The council with its settings; the organisers join it, and it becomes their active one."""
    new = NewEvent(EventKind.COUNCIL, council.name, council.place, council.timezone)
    event = open_event(uow, new, organiser_ids, now)
    assert event.id is not None
    uow.council_settings.create(event.id, council.quorum.rule, council.quorum.value)
    return event


def quorum_of(uow: UnitOfWork, event_id: int) -> Quorum:
    settings = uow.council_settings.of(event_id)
    return Quorum(settings.quorum_rule, settings.quorum_value)
