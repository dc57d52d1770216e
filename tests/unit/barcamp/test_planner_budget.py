"""The planner's budget comes from the settings (`BARCAMP_PLAN_SECONDS`, `…_WORKERS`)
through the router's domain configs, not from module globals."""

from __future__ import annotations

from typing import Any

import pytest

from bot.bootstrap import App
from bot.settings import Settings
from handlers.barcamp import grid_planning
from handlers.barcamp.camp_config import CampConfig
from handlers.core.config import CoreConfig
from handlers.core.context import Context
from handlers.core.i18n import catalogues
from handlers.core.messages import Chat, Sender
from schedules.barcamp.planner import Instance, PlanResult
from schedules.core.clock import ManualClock
from storage.core.shared_tables import Person
from tests.conftest import START
from tests.support.day import (
    MakePerson,
    camp_with,
    fast_planner,  # noqa: F401  (the fixture, used below by name)
    propose_approved,
)


@pytest.fixture
def quick_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BARCAMP_PLAN_SECONDS", "0.3")
    monkeypatch.setenv("BARCAMP_PLAN_WORKERS", "1")


@pytest.fixture
def planner_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The options of every planner run, which still plans."""
    calls: list[dict[str, Any]] = []
    real = grid_planning.plan

    def spy(instance: Instance, **options: Any) -> PlanResult:
        calls.append(options)
        return real(instance, **options)

    monkeypatch.setattr(grid_planning, "plan", spy)
    return calls


def test_the_default_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BARCAMP_PLAN_SECONDS", raising=False)
    monkeypatch.delenv("BARCAMP_PLAN_WORKERS", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.plan_seconds, settings.plan_workers) == (4.0, 2)
    assert CampConfig() == CampConfig(plan_seconds=4.0, plan_workers=2)


@pytest.mark.usefixtures("quick_budget")
def test_bootstrap_hands_the_router_the_camps_settings(app: App) -> None:
    assert app.router.domain_configs[CampConfig] == CampConfig(plan_seconds=0.3, plan_workers=1)


@pytest.mark.usefixtures("fast_planner")
def test_the_fast_planner_of_the_tests_reaches_their_app(app: App) -> None:
    """It sets the environment: it must come before the `app` fixture, as `usefixtures`
    does."""
    assert app.router.domain_configs[CampConfig] == CampConfig(plan_seconds=0.2, plan_workers=1)


@pytest.mark.usefixtures("quick_budget")
async def test_plan_and_move_search_as_long_as_the_settings_say(
    people: MakePerson, planner_calls: list[dict[str, Any]]
) -> None:
    orga, members = await camp_with(people, ("Ana", "de"))
    await propose_approved(orga, (members["Ana"], "Skatepark am See"), (orga, "Mehr Busse"))
    await orga.says("/voting close")
    await orga.says("/plan")
    await orga.says("/move 1 4 Aula")
    assert [(call["time_limit"], call["workers"]) for call in planner_calls] == [(0.3, 1)] * 2


def test_a_domain_config_the_router_was_not_given_is_an_error() -> None:
    context = Context(
        uow=None,  # type: ignore[arg-type]
        person=Person(id=1, created_at=START),
        sender=Sender("fake", "ana", "Ana"),
        chat=Chat("fake", "dm-ana"),
        clock=ManualClock(START),
        config=CoreConfig(),
        catalogues=catalogues(),
    )
    with pytest.raises(LookupError, match="CampConfig"):
        context.domain_config(CampConfig)
    given = context.fork(domain_configs={CampConfig: CampConfig(plan_seconds=1.0)})
    assert given.domain_config(CampConfig).plan_seconds == 1.0
