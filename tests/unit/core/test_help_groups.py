"""/help through the router: grouped by what the person does, only what their role covers."""

from __future__ import annotations

from collections.abc import Callable

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from storage.core.shared_tables import Role
from storage.uow import UnitOfWork
from tests.support.chat import PLATFORM, Person
from tests.unit.core.test_flow import create_camp

# Anyone may start a camp or a council: /help lists both in one line of their own.
START_EVENTS = ", ".join(
    catalogues().text("de", key) for key in ("usage.newcamp", "usage.newcouncil")
)

MakePerson = Callable[..., Person]


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


def sections(help_text: str) -> dict[str, list[str]]:
    """Each heading with the commands (first words of its lines) below it."""
    found: dict[str, list[str]] = {}
    for block in help_text.split("\n\n")[1:]:
        heading, *lines = block.splitlines()
        found[heading] = [line.split()[0] for line in lines]
    return found


def give_role(app: App, person: Person, role: Role) -> None:
    with UnitOfWork(app.engine) as uow:
        found = uow.people.by_identity(PLATFORM, person.user_id)
        assert found is not None
        assert found.id is not None
        membership = uow.events.membership(1, found.id)
        assert membership is not None
        membership.role = role


async def camp_with(people: MakePerson) -> tuple[Person, Person]:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    ana = people("Ana")
    await ana.joins(code)
    return orga, ana


async def test_a_participant_sees_taking_part_and_one_line_for_a_camp_of_their_own(
    people: MakePerson,
) -> None:
    _, ana = await camp_with(people)
    help_text = await ana.text("/help")
    shown = sections(help_text)
    assert list(shown) == [t("help.group_take_part"), t("help.beyond_role", commands=START_EVENTS)]
    commands = shown[t("help.group_take_part")]
    assert "/newcamp" not in commands
    assert commands[:4] == ["/start", "/join", "/propose", "/sessions"]
    # The guided form first; the one-line form only as a hint behind it.
    assert t("help.line", usage="/propose", text=t("help.propose")) in help_text
    assert t("help.propose").index("/propose Titel | Beschreibung") > 0
    assert help_text.count("/newcamp") == 1


async def test_a_youth_worker_sees_taking_part_and_moderating(app: App, people: MakePerson) -> None:
    _, ana = await camp_with(people)
    give_role(app, ana, Role.YOUTHWORKER)
    shown = sections(await ana.text("/help"))
    assert list(shown)[:2] == [t("help.group_take_part"), t("help.group_moderate")]
    assert t("help.group_organise") not in shown
    assert {"/queue", "/approve", "/announce", "/poll"} <= set(shown[t("help.group_moderate")])
    assert "/plan" not in str(shown)
    assert list(shown)[-1] == t("help.beyond_role", commands=START_EVENTS)


async def test_an_organiser_sees_all_three_groups_and_newcamp_among_organising(
    people: MakePerson,
) -> None:
    orga, _ = await camp_with(people)
    shown = sections(await orga.text("/help"))
    assert list(shown) == [
        t("help.group_take_part"),
        t("help.group_moderate"),
        t("help.group_organise"),
    ]
    organise = shown[t("help.group_organise")]
    assert {"/newcamp", "/plan", "/publish", "/settings"} <= set(organise)
    assert "/queue" not in organise
    assert "/queue" in shown[t("help.group_moderate")]
