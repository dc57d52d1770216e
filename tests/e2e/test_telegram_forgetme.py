"""/forgetme on Telegram forgets: nothing in the store names or addresses the person.

Kimberly proposes (by dialog and in one line), votes, answers a poll in the group, talks
there, gets an announcement and leaves a dialog half done; then /forgetme. Afterwards
the store is searched (every row of every table; on SQLite also the file and its
write-ahead log, byte for byte) for her name, username, Telegram id and every text she
typed.

What legitimately stays: the proposal the team approved (the camp voted on it) keeps its
title and description, without her, so those two texts are not searched for; the join
code she typed is the camp's, not hers. Her vote stays as an anonymous count.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.telegram.store import external_id
from handlers.core.i18n import catalogues
from storage.barcamp.camp_tables import Proposal
from storage.core.shared_tables import InboxEvent
from storage.db import make_engine
from tests.e2e.test_telegram_flow import create_camp
from tests.support.privacy_scan import rows_naming, sqlite_files_naming
from tests.support.store import raw_session
from tests.support.telegram_api import (
    BotAccount,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import Phone, RunningBot, running_bot
from tests.support.telegram_updates import TgChat, TgUser

pytestmark = pytest.mark.e2e

ORGA = TgUser(4001, "Olga", language_code="de")
KIM = TgUser(7340012345, "Kimberly", "kimkiesel_x", last_name="Kiesel", language_code="de")
GROUP = TgChat.group(-100555, "Jugendrat Musterstadt", supergroup=True)
APPROVED = ("Bolzplatz hinter der Schule", "Mit Toren aus Holz")


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


async def kimberly_uses_everything(
    telegram_api: BotAccount, bot: RunningBot, orga: Phone, kim: Phone
) -> list[str]:
    """Everything Kimberly does; the texts she typed that must not stay."""
    code = await create_camp(orga)

    async def in_group(phone: Phone, text: str) -> None:
        await bot.settled(telegram_api.inject_message(phone.user, text, chat=GROUP))

    await in_group(orga, f"/linkgroup@{telegram_api.username}")
    await kim.opens_deep_link(code)
    await kim.presses(t("start.agree"))

    typed = ["/propose", *APPROVED]  # the guided dialog
    for line in typed:
        await kim.says(line)
    await orga.says("/approve 1")
    one_line = "/propose Nachtbus nach Hause | Bitte bis Mitternacht fahren"
    await kim.says(one_line)  # waits in the queue: deleted with her
    typed.append(one_line)

    ballot = (await kim.says("/sessions"))[-1]
    label = next(b["text"] for row in ballot["reply_markup"]["inline_keyboard"] for b in row)
    await kim.presses(label, ballot)
    await kim.says("/vote 1")
    await kim.says("/vote 1")
    typed += ["/sessions", "/vote 1"]

    in_group_text = f"/mine@{telegram_api.username}"
    await in_group(kim, in_group_text)  # the group is told "Kimberly, see your chat"
    typed.append(in_group_text)
    await in_group(orga, f"/poll@{telegram_api.username} Wann treffen wir uns? | 10 | 11")
    await kim.presses("10", chat=GROUP)  # the poll's button, in the group

    news = "Morgen Treffpunkt am Rathaus"
    await orga.says(f"/announce {news}")
    assert t("announce.message", name="Jugend-BarCamp Musterstadt", text=news) in kim.texts()

    half_done = "Zebrastreifen vor dem Jugendhaus"
    await kim.says("/propose")
    await kim.says(half_done)  # the dialog now waits for the description
    typed.append(half_done)
    return [text for text in typed if text not in APPROVED]


def what_names_kimberly(typed: list[str]) -> list[str]:
    # Telegram's answers repeat what she typed ("✅ Stimme für 1. …"), and her name.
    voted = t("vote.added", number=1, title=APPROVED[0])
    return ["Kimberly", "Kiesel", "kimkiesel_x", str(KIM.id), voted, *typed]


def assert_approved_proposal_stays_without_her(engine: Engine) -> None:
    with raw_session(engine) as session:
        proposals = session.exec(select(Proposal)).all()
    assert [(p.title, p.description, p.proposer_id) for p in proposals] == [
        (APPROVED[0], APPROVED[1], None)
    ]


async def test_forgetme_leaves_no_trace_of_her(telegram_api: BotAccount, store_url: str) -> None:
    async with running_bot(telegram_api, store_url) as bot:
        orga, kim = Phone(telegram_api, bot, ORGA), Phone(telegram_api, bot, KIM)
        typed = await kimberly_uses_everything(telegram_api, bot, orga, kim)
        needles = what_names_kimberly(typed)
        before = rows_naming(bot.app.engine, needles)  # the search finds her while she is in
        assert {"Kimberly", str(KIM.id), typed[-1]} <= set(before), before

        await kim.says("/forgetme")
        await kim.presses(t("forgetme.confirm_button"))
        assert kim.texts()[-1] == t("forgetme.done")
        assert rows_naming(bot.app.engine, needles) == {}
        assert_approved_proposal_stays_without_her(bot.app.engine)
        if store_url.startswith("sqlite"):
            assert sqlite_files_naming(bot.app.engine, needles) == {}
    if store_url.startswith("sqlite"):  # and after a stop
        engine = make_engine(store_url)
        try:
            assert sqlite_files_naming(engine, needles) == {}
        finally:
            engine.dispose()


async def test_a_stop_leaves_no_raw_update_of_someone_who_never_agreed(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    """Updates received just before a stop are handled first, which drops their content:
    the name and text of a person who never agreed do not wait in the store."""
    stranger = TgUser(7340099999, "Xaver", "xaver_zz", last_name="Zwiebel")
    texts = [f"Hallo Bot, Nachricht {number}" for number in range(6)]
    async with running_bot(telegram_api, sqlite_url) as bot:
        keys = [external_id(telegram_api.inject_message(stranger, text)) for text in texts]
        await until_all_kept(bot.app.engine, keys)
    engine = make_engine(sqlite_url)
    try:
        needles = ["Xaver", "Zwiebel", "xaver_zz", *texts]
        assert rows_naming(engine, needles) == {}
        assert sqlite_files_naming(engine, needles) == {}
        with raw_session(engine) as session:
            handled = session.exec(select(InboxEvent).where(col(InboxEvent.external_id).in_(keys)))
            assert all(event.handled_at is not None for event in handled)
    finally:
        engine.dispose()


async def until_all_kept(engine: Engine, keys: list[str], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while kept(engine, keys) < len(keys):
        assert time.monotonic() < deadline, "the updates were not all received"
        await asyncio.sleep(0.01)


def kept(engine: Engine, keys: list[str]) -> int:
    with raw_session(engine) as session:
        statement = select(InboxEvent.id).where(col(InboxEvent.external_id).in_(keys))
        return len(session.exec(statement).all())
