"""Who may link, invite and copy camps, what bad input gets, and what the invitations
leave of a person (/mydata, /forgetme, retention): on both stores."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlmodel import select

from bot.bootstrap import App
from handlers.core.config import CoreConfig
from handlers.core.i18n import catalogues
from handlers.core.message_bus import Effects, bus
from handlers.core.retention import anonymise_event
from storage.council.council_tables import CouncilInvitation
from storage.uow import UnitOfWork
from tests.conftest import START
from tests.support.chat import FakePlatform, Person
from tests.support.council_camps import (
    CAMP,
    COUNCIL,
    CampAndCouncil,
    camp_and_council,
    invitations,
    join_code_in,
    t,
)
from tests.support.store import raw_session
from tests.unit.core.test_bad_input import BAD_ARGUMENTS, snapshot

MakeApp = Callable[[str], App]
# The organiser's actions, with what `both`'s codes fill in.
ACTIONS = ("/linkcamp {camp}", "/unlinkcamp {camp}", "/invitecamp", "/nextcamp 2028-06-10")
NEW_COMMANDS = ("linkcamp", "unlinkcamp", "invitecamp", "nextcamp", "declineinvite")


@pytest.fixture
def platform(make_app: MakeApp, store_url: str) -> FakePlatform:
    return FakePlatform(make_app(store_url))


@pytest.fixture
async def linked(platform: FakePlatform) -> CampAndCouncil:
    """The camp is linked to the council: unlinking, inviting and copying would work."""
    both = await camp_and_council(platform)
    await both.olga.says(f"/linkcamp {both.camp_code}")
    return both


async def refused_all(platform: FakePlatform, person: Person, camp: str, expected: str) -> None:
    for action in ACTIONS:
        before = snapshot(platform.app.engine)
        answer = await person.text(action.format(camp=camp))
        assert answer == expected.format(command=action.split()[0][1:]), action
        assert snapshot(platform.app.engine) == before, action


async def test_participants_of_the_council_are_refused(
    platform: FakePlatform, linked: CampAndCouncil
) -> None:
    ana = linked.campers[0]
    await ana.says(f"/join {linked.council_code}")
    await refused_all(platform, ana, linked.camp_code, t("error.not_allowed"))


async def test_people_without_an_event_are_refused(
    platform: FakePlatform, linked: CampAndCouncil
) -> None:
    kim = platform.person("Kim")
    await kim.says("/start")
    await kim.press("consent de")
    await refused_all(platform, kim, linked.camp_code, t("event.none"))


async def test_members_of_another_event_are_refused(
    platform: FakePlatform, linked: CampAndCouncil
) -> None:
    # In the camp, the council's commands are refused by kind.
    ana = linked.campers[0]
    only_council = t("kind.only_council", command="{command}", event=CAMP)
    await refused_all(platform, ana, linked.camp_code, only_council)
    # The organiser of another council can touch neither the camp nor the council.
    zoe = platform.person("Zoe")
    await zoe.says("/start")
    await zoe.press("consent de")
    await zoe.says("/newcouncil Jugendrat Seedorf | -")
    before = snapshot(platform.app.engine)
    assert await zoe.text(f"/linkcamp {linked.camp_code}") == t("linkcamp.not_organiser", camp=CAMP)
    assert await zoe.text(f"/unlinkcamp {linked.camp_code}") == t(
        "unlinkcamp.not_linked", camp=CAMP
    )
    assert await zoe.text("/invitecamp") == t("invitecamp.no_camp")
    assert await zoe.text("/nextcamp 2028-06-10") == t("nextcamp.no_camp")
    assert snapshot(platform.app.engine) == before
    for camper in linked.campers:
        assert invitations(camper.new_replies()) == []


async def test_linking_refusals_change_nothing(
    platform: FakePlatform, linked: CampAndCouncil
) -> None:
    olga = linked.olga
    other = await olga.text("/newcouncil Jugendrat Seedorf | -")
    other_code = join_code_in(other)
    before = snapshot(platform.app.engine)
    # Olga's active event is the second council now.
    assert await olga.text(f"/linkcamp {linked.camp_code}") == t(
        "linkcamp.taken", camp=CAMP, council=COUNCIL
    )
    assert await olga.text(f"/linkcamp {linked.council_code}") == t(
        "linkcamp.not_camp", name=COUNCIL
    )
    assert await olga.text("/linkcamp ZZZZZZ") == t("linkcamp.unknown", code="ZZZZZZ")
    assert await olga.text(f"/unlinkcamp {linked.camp_code}") == t(
        "unlinkcamp.not_linked", camp=CAMP
    )
    assert snapshot(platform.app.engine) == before
    # A camp organised by someone else cannot be linked, even by a council organiser.
    ida = platform.person("Ida")
    await ida.says("/start")
    await ida.press("consent de")
    await ida.says("/newcamp")
    for answer in ("BarCamp Seedorf", "2027-07-01", "-", "Aula:30"):
        await ida.says(answer)
    ida_camp = join_code_in(await ida.text("10:00-11:00"))
    await ida.says(f"/join {other_code}")
    assert await olga.text(f"/linkcamp {ida_camp}") == t(
        "linkcamp.not_organiser", camp="BarCamp Seedorf"
    )
    # Back in the first council, unlinking works, and then the camp can go to the second.
    await olga.says(f"/use {linked.council_code}")
    assert await olga.text(f"/unlinkcamp {linked.camp_code}") == t("unlinkcamp.done", camp=CAMP)
    await olga.says(f"/use {other_code}")
    assert (await olga.text(f"/linkcamp {linked.camp_code}")).startswith("🔗")


async def test_bad_input_in_the_council_changes_nothing(make_app: MakeApp, sqlite_url: str) -> None:
    """Every bad case of the new commands, by the organiser of both (not a store test: on
    SQLite only, one camp and council for all cases)."""
    platform = FakePlatform(make_app(sqlite_url))
    both = await camp_and_council(platform)
    await both.olga.says(f"/linkcamp {both.camp_code}")
    internal = catalogues().text("de", "error.internal")
    for command in NEW_COMMANDS:
        for arguments in BAD_ARGUMENTS[command]:
            case = f"/{command} {arguments}"
            before = snapshot(platform.app.engine)
            replies = await both.olga.says(case)
            assert replies, f"{case[:40]}: bad input must never be met with silence"
            assert all(len(reply.text) < 1500 for reply in replies), case[:40]
            assert all(internal not in reply.text for reply in replies), case[:40]
            assert snapshot(platform.app.engine) == before, case[:40]


def invitation_rows(app: App) -> list[CouncilInvitation]:
    with raw_session(app.engine) as session:
        return list(session.exec(select(CouncilInvitation)).all())


async def test_invitations_in_mydata_gone_with_forgetme(
    platform: FakePlatform, linked: CampAndCouncil
) -> None:
    ana, ben = linked.campers[:2]
    await linked.olga.says("/invitecamp")
    await ben.says(f"/declineinvite {linked.council_code}")
    [reply] = await ben.says("/mydata")
    assert reply.document is not None
    [mine] = json.loads(reply.document.content)["council_invitations"]
    assert (mine["council"], mine["from_camp"]) == (linked.council_code, linked.camp_code)
    assert mine["declined_at"] is not None
    assert len(invitation_rows(platform.app)) == 3
    await ana.says("/forgetme")
    await ana.press("forgetme confirm")
    assert len(invitation_rows(platform.app)) == 2
    # Retention of the camp they came from takes the rest.
    with UnitOfWork(platform.app.engine) as uow:
        camp = uow.events.by_code(linked.camp_code)
        assert camp is not None
        assert camp.id is not None
        effects = Effects(uow, START, catalogues(), CoreConfig())
        anonymise_event(uow, camp.id, effects, bus)
    assert invitation_rows(platform.app) == []
