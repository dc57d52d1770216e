"""/newcouncil on both stores: guided and in one line; the creator organises it, joining,
/use and refusals of the other kind's commands work as for camps."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from storage.core.shared_tables import Event, EventKind, Membership, Role
from storage.council.council_tables import CouncilSettings, QuorumRule
from tests.support.chat import FakePlatform
from tests.support.council import COUNCIL_NAME, COUNCIL_PLACE, create_council
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp

MakeApp = Callable[[str], App]


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


@pytest.fixture
def platform(make_app: MakeApp, store_url: str) -> FakePlatform:
    return FakePlatform(make_app(store_url))


def council_rows(app: App) -> list[tuple[Event, CouncilSettings]]:
    with raw_session(app.engine) as session:
        statement = select(Event, CouncilSettings).join(
            CouncilSettings, CouncilSettings.event_id == Event.id
        )
        return list(session.exec(statement).all())


async def test_guided_council_with_a_share_as_quorum(platform: FakePlatform) -> None:
    olga = platform.person("Olga")
    code = await create_council(olga, quorum="60%")
    [(event, settings)] = council_rows(platform.app)
    assert (event.kind, event.name, event.place, event.code) == (
        EventKind.COUNCIL,
        COUNCIL_NAME,
        COUNCIL_PLACE,
        code,
    )
    assert event.timezone == "Europe/Berlin"
    assert (settings.quorum_rule, settings.quorum_value) == (QuorumRule.PERCENT, 60)
    assert settings.reminder_minutes == [24 * 60, 60]
    with raw_session(platform.app.engine) as session:
        [membership] = session.exec(select(Membership)).all()
    assert membership.role is Role.ORGANISER


async def test_one_line_council_then_a_member_joins(platform: FakePlatform) -> None:
    olga, ana = platform.person("Olga"), platform.person("Ana")
    await olga.says("/start")
    await olga.press("consent de")
    done = await olga.text("/newcouncil Jugendrat Seedorf | Bürgerhaus")
    [(event, settings)] = council_rows(platform.app)
    assert done.startswith(
        t(
            "newcouncil.done",
            name="Jugendrat Seedorf",
            code=event.code,
            place="Bürgerhaus",
            timezone="Europe/Berlin",
            quorum=t("council.quorum_majority"),
        )
    )
    assert settings.quorum_rule is QuorumRule.MAJORITY
    await ana.joins(event.code)
    welcome = ana.adapter.sent[ana.chat.chat_id][-1].text
    assert welcome == t("join.done_council", name="Jugendrat Seedorf")
    # A BarCamp command in the council is refused, and says where it works.
    refused = await ana.text("/sessions")
    assert refused == t("kind.only_barcamp", command="sessions", event="Jugendrat Seedorf")


async def test_guided_steps_explain_bad_answers(platform: FakePlatform) -> None:
    olga = platform.person("Olga")
    await olga.says("/start")
    await olga.press("consent de")
    await olga.says("/newcouncil")
    await olga.says(COUNCIL_NAME)
    assert await olga.text("-") == t("newcouncil.ask_timezone", timezone="Europe/Berlin")
    refused = await olga.text("Mars/Olympus")
    assert refused.startswith(t("input.time_zone", example="Europe/Berlin"))
    assert refused.endswith(t("newcouncil.ask_timezone", timezone="Europe/Berlin"))
    assert await olga.text("europe/vienna") == t("newcouncil.ask_quorum")
    refused = await olga.text("101%")
    assert refused.startswith(t("council.quorum_percent"))
    assert council_rows(platform.app) == []
    await olga.says("7")
    [(event, settings)] = council_rows(platform.app)
    assert (event.timezone, event.place) == ("Europe/Vienna", "")
    assert (settings.quorum_rule, settings.quorum_value) == (QuorumRule.COUNT, 7)


async def test_an_organiser_of_a_camp_starts_a_council_and_switches(
    platform: FakePlatform,
) -> None:
    olga = platform.person("Olga")
    camp_code = await create_camp(olga, "de")
    await olga.says("/newcouncil Jugendrat Musterstadt | Rathaus")
    [(event, _)] = council_rows(platform.app)
    # The new council is active: BarCamp commands are refused there until /use.
    assert await olga.text("/queue") == t(
        "kind.only_barcamp", command="queue", event="Jugendrat Musterstadt"
    )
    await olga.says(f"/use {camp_code}")
    assert await olga.text("/newcouncil Jugendrat Zwei | -")  # works from a camp too
    assert len(council_rows(platform.app)) == 2
    assert event.code != camp_code
