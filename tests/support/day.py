"""Helpers for the BarCamp day's tests: a quick planner, a camp with votes, due work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.bootstrap import App
from bot.dispatcher import Dispatcher
from handlers.core.timed_work import run_due
from storage.barcamp.camp_tables import Proposal
from storage.uow import UnitOfWork
from tests.support.chat import Person
from tests.unit.core.test_flow import create_camp

MakePerson = Callable[..., Person]
CAMP = "Jugend-BarCamp Musterstadt"
# The camp of `create_camp`: 2027-06-13 in Europe/Berlin (UTC+2), slots 10:00, 11:00,
# a break at 12:00, and 13:00; rooms Aula:60, Raum 1:20, Raum 2:15.
DAY = datetime(2027, 6, 13, tzinfo=UTC)
Place = tuple[int, int, bool]  # slot and room, counted from 1 as /plan shows them; pinned


@pytest.fixture
def fast_planner(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small camps need a fraction of a second; one worker starts no processes.

    The settings of apps built after it (a module's `usefixtures` comes before the
    `app` fixture), and of the CLI run in this process.
    """
    monkeypatch.setenv("BARCAMP_PLAN_SECONDS", "0.2")
    monkeypatch.setenv("BARCAMP_PLAN_WORKERS", "1")


def berlin(hour: int, minute: int = 0) -> datetime:
    """A wall-clock time of the camp day in Berlin, in UTC (summer time: UTC+2)."""
    return DAY.replace(hour=hour - 2, minute=minute)


async def camp_with(
    people: MakePerson, *members: tuple[str, str]
) -> tuple[Person, dict[str, Person]]:
    """The organiser's camp, joined by participants given as (name, language)."""
    orga = people("Orga")
    code = await create_camp(orga, "de")
    joined = {name: people(name, language_hint=language) for name, language in members}
    for name, language in members:
        await joined[name].joins(code, language)
    return orga, joined


async def propose_approved(orga: Person, *proposals: tuple[Person, str]) -> None:
    """Proposals numbered 1, 2, … in a fresh camp, each approved."""
    for number, (proposer, title) in enumerate(proposals, start=1):
        await proposer.says(f"/propose {title}")
        if proposer is not orga:
            await orga.says(f"/approve {number}")


async def run_scheduled(app: App, dispatcher: Dispatcher) -> int:
    """What the scheduler service does when a job fires: run due items, then deliver."""
    ran = run_due(app.uow_factory, app.clock, app.router.catalogues, app.router.config)
    await dispatcher.sender.flush()
    return ran


def places(app: App, event_id: int = 1) -> dict[int, Place]:
    """Proposal number -> where the grid in the store puts it."""
    with UnitOfWork(app.engine) as uow:
        slots = [slot.id for slot in uow.grid.slots(event_id)]
        rooms = [room.id for room in uow.grid.rooms(event_id)]
        numbers = {p.id: p.number for p in uow.proposals.in_event(event_id)}
        return {
            numbers[row.proposal_id]: (
                slots.index(row.slot_id) + 1,
                rooms.index(row.room_id) + 1,
                row.pinned,
            )
            for row in uow.grid.of_event(event_id)
        }


def proposal(app: App, number: int, event_id: int = 1) -> Proposal:
    with UnitOfWork(app.engine) as uow:
        found = uow.proposals.by_number(event_id, number)
        assert found is not None
        return found
