"""An edited message runs only in place of one that did nothing, and only once."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from handlers.core.messages import IncomingText
from storage.barcamp.camp_tables import Vote
from tests.support.chat import Person
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


async def says(person: Person, text: str, event_id: str, edits: str = "") -> str:
    incoming = IncomingText(person.sender, person.chat, text, external_id=event_id, edits=edits)
    await person.dispatcher.on_event(incoming)
    return "\n".join(reply.text for reply in person.new_replies())


def votes(app: App) -> int:
    with raw_session(app.engine) as session:
        return len(session.exec(select(Vote)).all())


async def test_an_edit_replaces_a_refused_or_unknown_message_once(
    app: App, people: Callable[..., Person]
) -> None:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    await orga.says("/propose Skatepark bauen")
    ana = people("Ana")
    await ana.joins(code)

    assert await says(ana, "/vote 9", "e1") == t("vote.unknown", number=9)
    assert t("vote.added", number=1, title="Skatepark bauen") in await says(
        ana, "/vote 1", "e2", edits="e1"
    )
    assert await says(ana, "/vote 1", "e3", edits="e1") == t("edit.not_run")
    assert votes(app) == 1

    # A message that did something is never run again; nor one edited already.
    assert await says(ana, "/vote 1", "e4", edits="e2") == t("edit.not_run")
    assert votes(app) == 1
    # A refused edit still replaced its message: a second edit does not run.
    assert await says(ana, "hallo", "e5") == t("error.not_a_command", prefix="/")
    assert await says(ana, "/vote 9", "e6", edits="e5") == t("vote.unknown", number=9)
    assert await says(ana, "/vote 1", "e7", edits="e5") == t("edit.not_run")
    assert votes(app) == 1


async def test_an_edit_of_a_message_never_seen_runs_once(
    app: App, people: Callable[..., Person]
) -> None:
    ana = people("Ana")
    await ana.says("/start")
    assert await says(ana, "/privacy", "e2", edits="e1") == t("privacy.notice")
    assert await says(ana, "/privacy", "e3", edits="e1") == t("edit.not_run")
