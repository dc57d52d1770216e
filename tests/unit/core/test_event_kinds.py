"""Commands know their domain: in a youth council the BarCamp's are refused and not listed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import handlers.barcamp.commands
import handlers.core.commands
import handlers.council.commands  # noqa: F401  (registering the domains' commands)
from bot.bootstrap import App
from handlers.core.i18n import catalogues
from handlers.core.registry import EVERY_KIND, CommandSpec, registry
from storage.core.shared_tables import Event, EventKind, Role
from storage.uow import UnitOfWork
from tests.conftest import START
from tests.support.chat import Person as ChatPerson
from tests.unit.core.test_bad_input import snapshot
from tests.unit.core.test_flow import create_camp

# Anyone may start a camp or a council: /help lists both in one line of their own.
START_EVENTS = ", ".join(
    catalogues().text("de", key) for key in ("usage.newcamp", "usage.newcouncil")
)

MakePerson = Callable[..., ChatPerson]
COUNCIL_NAME, COUNCIL_CODE = "Jugendrat Musterstadt", "R4T5Q2"
BARCAMP_ONLY = frozenset({EventKind.BARCAMP})
COUNCIL_ONLY = frozenset({EventKind.COUNCIL})


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


def help_line(spec: CommandSpec) -> str:
    return t("help.line", usage=t(spec.usage_key), text=t(spec.help_key))


def listed(help_text: str) -> set[str]:
    return {name for name, spec in registry.commands.items() if help_line(spec) in help_text}


def barcamp_commands() -> set[str]:
    return {name for name, spec in registry.commands.items() if spec.kinds == BARCAMP_ONLY}


def in_council(app: App, person: ChatPerson, role: Role = Role.PARTICIPANT) -> None:
    """A council made directly in the store (no council commands exist yet), made active."""
    with UnitOfWork(app.engine) as uow:
        found = uow.people.by_identity(person.sender.platform, person.user_id)
        assert found is not None
        assert found.id is not None
        council = uow.events.by_code(COUNCIL_CODE) or uow.events.add(
            Event(kind=EventKind.COUNCIL, name=COUNCIL_NAME, code=COUNCIL_CODE, created_at=START)
        )
        assert council.id is not None
        uow.events.join(council.id, found.id, role, START)
        found.active_event_id = council.id


def test_each_command_serves_the_kinds_of_its_folder() -> None:
    for spec in registry.commands.values():
        module = spec.func.__module__
        if module.startswith("handlers.barcamp."):
            assert spec.kinds == BARCAMP_ONLY, spec.name
        elif module.startswith("handlers.council."):
            assert spec.kinds == COUNCIL_ONLY, spec.name
        else:
            assert module.startswith("handlers.core.commands."), spec.name
            assert spec.kinds == EVERY_KIND, spec.name
    assert {"vote", "propose", "sessions", "newcamp", "queue", "plan"} <= barcamp_commands()
    council = {spec.name for spec in registry.commands.values() if spec.kinds == COUNCIL_ONLY}
    assert {"newcouncil", "meeting", "meetings", "export"} <= council
    for dialog in registry.dialogs.values():
        module_kinds = {"newcamp": BARCAMP_ONLY, "newcouncil": COUNCIL_ONLY}
        assert dialog.kinds in (BARCAMP_ONLY, COUNCIL_ONLY), dialog.name
        assert dialog.kinds == module_kinds.get(dialog.name, dialog.kinds), dialog.name


async def test_help_in_a_council_lists_no_barcamp_command_that_needs_a_camp(
    app: App, people: MakePerson
) -> None:
    ana = people("Ana")
    await ana.says("/start")
    await ana.press("consent de")
    in_council(app, ana)
    help_text = await ana.text("/help")
    # /newcamp needs no event: anyone may start a camp, as before the council existed;
    # a member who does not organise sees it in one line of its own.
    assert listed(help_text) & barcamp_commands() == set()
    assert t("help.beyond_role", commands=START_EVENTS) in help_text
    assert {"use", "join", "language", "help", "cancel", "forgetme", "remind"} <= listed(help_text)


async def test_help_for_a_council_organiser_lists_the_shared_team_commands(
    app: App, people: MakePerson
) -> None:
    orga = people("Orga")
    await orga.says("/start")
    await orga.press("consent de")
    in_council(app, orga, Role.ORGANISER)
    shown = listed(await orga.text("/help"))
    assert {"announce", "poll", "closepoll", "linkgroup"} <= shown
    # Only what needs no event of the BarCamp's: a council may start next year's camp.
    assert shown & barcamp_commands() == {"newcamp"}


async def test_a_council_member_can_still_create_a_camp(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    await orga.says("/start")
    await orga.press("consent de")
    in_council(app, orga, Role.ORGANISER)
    assert await orga.text("/newcamp") == t("newcamp.ask_name")
    assert await orga.text("BarCamp 2028") == t("newcamp.ask_date")


@pytest.mark.parametrize("line", ["/vote 1", "/sessions", "/propose Mehr Busse", "/queue"])
async def test_a_barcamp_command_in_a_council_is_refused(
    app: App, people: MakePerson, line: str
) -> None:
    orga = people("Orga")
    await create_camp(orga, "de")
    await orga.says("/propose Skatepark am See")
    in_council(app, orga, Role.ORGANISER)
    before = snapshot(app.engine)
    name = line.split()[0][1:]
    assert await orga.text(line) == t("kind.only_barcamp", command=name, event=COUNCIL_NAME)
    assert snapshot(app.engine) == before


async def test_a_press_on_a_ballot_in_a_council_is_refused(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    await create_camp(orga, "de")
    await orga.says("/propose Skatepark am See")
    in_council(app, orga)
    before = snapshot(app.engine)
    [refused] = await orga.press("vote 1")
    assert refused.text == t("kind.only_barcamp", command="vote", event=COUNCIL_NAME)
    assert snapshot(app.engine) == before


async def test_a_barcamp_dialog_is_not_answered_in_a_council(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    in_council(app, orga)
    await orga.says(f"/use {code}")
    await orga.says("/propose")
    await orga.says(f"/use {COUNCIL_CODE}")
    before = snapshot(app.engine)
    refused = await orga.text("Mehr Busse am Abend")
    assert refused == t("kind.only_barcamp", command="propose", event=COUNCIL_NAME)
    assert snapshot(app.engine) == before
    # Back in the camp, the dialog goes on where it was.
    await orga.says(f"/use {code}")
    assert await orga.text("Mehr Busse am Abend") == t("propose.ask_description")


async def test_in_a_camp_everything_is_as_before(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    in_camp = EventKind.BARCAMP
    every = {spec.name for spec in registry.visible_to(Role.ORGANISER, True, True, in_camp)}
    assert listed(await orga.text("/help")) == every
    ana = people("Ana")
    await ana.joins(code)
    participant = {spec.name for spec in registry.visible_to(Role.PARTICIPANT, True, True, in_camp)}
    assert listed(await ana.text("/help")) == participant - {"newcamp", "newcouncil"}
    assert {"propose", "vote", "sessions", "mine", "agenda"} <= participant
    assert await ana.text("/propose Mehr Busse") == t(
        "propose.submitted", number=1, title="Mehr Busse"
    )


async def test_help_without_an_event_lists_what_needs_none(people: MakePerson) -> None:
    kim = people("Kim")
    await kim.says("/start")
    await kim.press("consent de")
    help_text = await kim.text("/help")
    shown = listed(help_text)
    assert {"join", "use", "help", "language"} <= shown
    assert t("help.beyond_role", commands=START_EVENTS) in help_text
    assert shown & {"vote", "propose", "sessions", "announce", "poll"} == set()
