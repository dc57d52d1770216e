"""The camp settings' rows: a new camp has one, a council gets one only when asked, and a
unit that rolls back forgets the rows it had read or created."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session

from bot.bootstrap import App
from handlers.barcamp.camp_input import RoomInput, slots
from handlers.barcamp.camps import CampInput, create_camp
from storage.barcamp.camp_tables import CampSettings
from storage.core.shared_tables import EventKind
from storage.uow import UnitOfWork
from tests.conftest import START

DAY = date(2027, 6, 13)


def new_event(app: App, kind: EventKind) -> int:
    camp = CampInput("Camp", DAY, "Aula", [RoomInput("Aula", 60)], slots("10:00-11:00", DAY))
    with UnitOfWork(app.engine) as uow:
        event = create_camp(uow, replace(camp, kind=kind), [], START)
        assert event.id is not None
        return event.id


def stored(app: App, event_id: int) -> CampSettings | None:
    with Session(app.engine) as session:
        return session.get(CampSettings, event_id)


def test_a_camp_has_settings_and_a_council_gets_the_defaults_when_asked(app: App) -> None:
    camp_id, council_id = new_event(app, EventKind.BARCAMP), new_event(app, EventKind.COUNCIL)
    assert stored(app, camp_id) == CampSettings(event_id=camp_id)
    assert stored(app, council_id) is None
    with UnitOfWork(app.engine) as uow:
        assert uow.camp_settings.of(council_id) == CampSettings(event_id=council_id)
    assert stored(app, council_id) == CampSettings(event_id=council_id)


def test_a_rollback_forgets_the_rows(app: App) -> None:
    council_id = new_event(app, EventKind.COUNCIL)
    with UnitOfWork(app.engine) as uow:
        uow.camp_settings.of(council_id).vote_budget = 9  # created, then undone
        uow.rollback()
        assert uow.camp_settings.of(council_id).vote_budget == 5
        uow.camp_settings.of(council_id).vote_budget = 7
    stored_row = stored(app, council_id)
    assert stored_row is not None
    assert stored_row.vote_budget == 7
