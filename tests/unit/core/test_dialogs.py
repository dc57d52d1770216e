"""Guided dialogs, through the router: a refused answer is explained and asked again."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.bootstrap import App
from handlers.core.context import Context
from handlers.core.dialogs import SoFar, Step, text_only
from handlers.core.i18n import Catalogues, catalogues
from handlers.core.messages import IncomingText
from handlers.core.registry import Registry
from handlers.core.router import Router
from handlers.core.validation import InputError
from storage.barcamp.camp_tables import ProposalStatus
from storage.uow import UnitOfWork
from tests.support.chat import Person as ChatPerson
from tests.unit.core.test_bad_input import snapshot
from tests.unit.core.test_flow import create_camp

MakePerson = Callable[..., ChatPerson]


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


def dialog_of(app: App, person: ChatPerson) -> tuple[str, str, dict[str, object]] | None:
    with UnitOfWork(app.engine, read_only=True) as uow:
        found = uow.people.by_identity(person.sender.platform, person.user_id)
        assert found is not None
        assert found.id is not None
        state = uow.dialogs.get(found.id)
        return None if state is None else (state.name, state.step, dict(state.data))


def store_dialog(
    app: App, person: ChatPerson, name: str, step: str, data: dict[str, object]
) -> None:
    """A dialog row as an earlier version of the bot left it."""
    with UnitOfWork(app.engine) as uow:
        found = uow.people.by_identity(person.sender.platform, person.user_id)
        assert found is not None
        assert found.id is not None
        uow.dialogs.save(found.id, name, step, data, datetime(2027, 3, 1, tzinfo=UTC))


async def consented(person: ChatPerson) -> None:
    await person.says("/start")
    await person.press("consent de")


async def test_a_refused_camp_name_is_explained_and_asked_again(
    app: App, people: MakePerson
) -> None:
    orga = people("Orga")
    await consented(orga)
    assert await orga.text("/newcamp") == t("newcamp.ask_name")
    before = snapshot(app.engine)
    refused = [reply.text for reply in await orga.says("ab")]
    assert refused == [t("input.camp_name_short"), t("newcamp.ask_name")]
    assert snapshot(app.engine) == before
    assert dialog_of(app, orga) == ("newcamp", "name", {})
    # The next message is the name, and then comes the date.
    assert await orga.text("Camp am See") == t("newcamp.ask_date")
    assert dialog_of(app, orga) == ("newcamp", "date", {"name": "Camp am See"})


async def test_a_refused_date_keeps_the_name(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    await consented(orga)
    await orga.says("/newcamp")
    await orga.says("Camp am See")
    refused = [reply.text for reply in await orga.says("2020-01-01")]
    assert refused == [t("input.date_past"), t("newcamp.ask_date")]
    assert dialog_of(app, orga) == ("newcamp", "date", {"name": "Camp am See"})
    assert await orga.text("13.06.2027") == t("newcamp.ask_place")


async def test_a_whole_newcamp_dialog_creates_the_camp(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    assert dialog_of(app, orga) is None
    with UnitOfWork(app.engine, read_only=True) as uow:
        event = uow.events.by_code(code)
        assert event is not None
        assert event.id is not None
        assert (event.name, event.starts_on, event.place) == (
            "Jugend-BarCamp Musterstadt",
            date(2027, 6, 13),
            "Jugendhaus",
        )
        rooms = [(room.name, room.capacity) for room in uow.grid.rooms(event.id)]
        assert sorted(rooms) == [("Aula", 60), ("Raum 1", 20), ("Raum 2", 15)]
        slots = sorted((s.starts_at, s.blocked) for s in uow.grid.slots(event.id))
        assert [(start.hour, blocked) for start, blocked in slots] == [
            (10, False),
            (11, False),
            (12, True),
            (13, False),
        ]
    # The organiser's new camp is active: the next free text is no dialog answer.
    assert await orga.text("hallo") == t("error.not_a_command", prefix="/")


async def test_a_refused_proposal_title_is_explained_and_asked_again(
    app: App, people: MakePerson
) -> None:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    ana = people("Ana")
    await ana.joins(code)
    assert await ana.text("/propose") == t("propose.ask_title")
    before = snapshot(app.engine)
    refused = [reply.text for reply in await ana.says("🎉")]
    assert refused == [t("input.title_short", minimum=3), t("propose.ask_title")]
    assert snapshot(app.engine) == before
    assert await ana.text("Mehr Busse am Abend") == t("propose.ask_description")
    long = [reply.text for reply in await ana.says("y" * 501)]
    assert long == [
        t("input.description_long", maximum=500, length=501),
        t("propose.ask_description"),
    ]
    assert dialog_of(app, ana) == ("propose", "description", {"title": "Mehr Busse am Abend"})
    assert await ana.text("Bis Mitternacht") == t(
        "propose.submitted", number=1, title="Mehr Busse am Abend"
    )
    assert dialog_of(app, ana) is None
    with UnitOfWork(app.engine, read_only=True) as uow:
        event = uow.events.by_code(code)
        assert event is not None
        assert event.id is not None
        [proposal] = uow.proposals.in_event(event.id)
        assert (proposal.title, proposal.description, proposal.status) == (
            "Mehr Busse am Abend",
            "Bis Mitternacht",
            ProposalStatus.SUBMITTED,
        )


async def test_propose_in_one_line_still_works(people: MakePerson) -> None:
    orga = people("Orga")
    await create_camp(orga, "de")
    assert await orga.text("/propose WLAN im Park | Freies Netz") == t(
        "propose.approved", number=1, title="WLAN im Park"
    )


async def test_cancel_leaves_the_dialog(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    await consented(orga)
    await orga.says("/newcamp")
    await orga.says("Camp am See")
    assert await orga.text("/cancel") == t("cancel.done")
    assert dialog_of(app, orga) is None
    assert await orga.text("2027-06-13") == t("error.not_a_command", prefix="/")


async def test_a_dialog_stored_by_the_step_functions_goes_on(app: App, people: MakePerson) -> None:
    """Rows of the former dialogs had the same names, steps and data: they still work."""
    orga = people("Orga")
    await consented(orga)
    data = {"name": "Altes Camp", "date": "2027-06-13", "place": ""}
    store_dialog(app, orga, "newcamp", "rooms", data)
    assert await orga.text("Aula:30") == t("newcamp.ask_slots")
    done = await orga.text("10:00-11:00")
    code = re.search(r"/join ([A-Z2-9]{6})", done)
    assert code, done
    assert t("newcamp.done", name="Altes Camp", code=code.group(1)) in done
    assert dialog_of(app, orga) is None


async def test_a_step_that_is_gone_ends_the_dialog(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    await consented(orga)
    store_dialog(app, orga, "newcamp", "colour", {})
    assert await orga.text("blau") == t("error.not_a_command", prefix="/")
    assert dialog_of(app, orga) is None


# -- the machinery on a dialog of its own: questions with values, parsers with answers ---


def texts(tmp_path: Path) -> Catalogues:
    entries = {
        "ask.count": "Wie viele?",
        "ask.day": "{count} also. An welchem Tag, ab {today}?",
        "input.no_number": "Das ist keine Zahl.",
        "input.too_early": "Der {day} ist vor dem {today}.",
        "done.order": "{count} am {day}.",
    }
    for language in ("de", "en"):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po = "".join(f'msgid "{key}"\nmsgstr "{text}"\n\n' for key, text in entries.items())
        (folder / "test.po").write_text(po, encoding="utf-8")
    return Catalogues(tmp_path)


def count(text: str) -> int:
    if not text.strip().isdigit():
        raise InputError("input.no_number")
    return int(text)


def day(text: str, so_far: SoFar) -> str:
    chosen = date.fromisoformat(text.strip())
    if chosen < so_far.today:
        raise InputError("input.too_early", day=chosen.isoformat(), today=so_far.today)
    return chosen.isoformat()


@pytest.fixture
def order_router(app: App, tmp_path: Path) -> Router:
    own = Registry()
    order = own.dialog(
        "order",
        steps=(
            Step("count", text_only(count), "ask.count"),
            Step(
                "day",
                day,
                "ask.day",
                values=lambda so_far: {"count": so_far["count"], "today": so_far.today},
            ),
        ),
        finish=lambda ctx, answers: ctx.reply("done.order", **answers),
    )

    @own.command("order", consent=False)
    def start(ctx: Context) -> None:
        order.start(ctx)

    return Router(own, app.uow_factory, app.clock, texts=texts(tmp_path))


def test_questions_and_parsers_see_the_answers_so_far(
    order_router: Router, people: MakePerson
) -> None:
    ana = people("Ana")

    def say(text: str) -> list[str]:
        return [
            reply.text for reply in order_router.handle(IncomingText(ana.sender, ana.chat, text))
        ]

    today = order_router.clock.now().date()
    assert say("/order") == ["Wie viele?"]
    assert say("drei") == ["Das ist keine Zahl.", "Wie viele?"]
    assert say("3") == [f"3 also. An welchem Tag, ab {today}?"]
    assert say("2020-01-01") == [
        f"Der 2020-01-01 ist vor dem {today}.",
        f"3 also. An welchem Tag, ab {today}?",
    ]
    assert say("2027-06-13") == ["3 am 2027-06-13."]
    assert say("4") == ["error.not_a_command"]


def test_a_dialog_is_declared_once_with_distinct_fields() -> None:
    own = Registry()
    step = Step("name", text_only(str), "ask.name")
    with pytest.raises(ValueError, match="twice"):
        own.dialog("twice", steps=(step, step), finish=lambda ctx, answers: None)
    own.dialog("once", steps=(step,), finish=lambda ctx, answers: None)
    with pytest.raises(ValueError, match="registered twice"):
        own.dialog("once", steps=(step,), finish=lambda ctx, answers: None)
    with pytest.raises(ValueError, match="no steps"):
        own.dialog("empty", steps=(), finish=lambda ctx, answers: None)


async def test_newcamp_ends_with_what_was_set_up_beside_the_join_code(people: MakePerson) -> None:
    orga = people("Orga")
    await consented(orga)
    await orga.says("/newcamp")
    for answer in ("Jugend-BarCamp Musterstadt", "2027-06-13", "Jugendhaus", "Aula:60, Raum 1:1"):
        await orga.says(answer)
    done = await orga.text("10:00-10:45, 12:00-13:00 Pause, 2027-06-14 10:00-10:45")
    assert "/join " in done
    summary = done.split("\n\n")[-1]
    assert summary == (
        "📅 Sonntag, 13. Juni · 📍 Jugendhaus\n"
        "Räume: Aula (60 Plätze), Raum 1 (1 Platz)\n"
        "Slots: 10:00–10:45, 12:00–13:00 Pause, Montag, 14. Juni 10:00–10:45"
    )
