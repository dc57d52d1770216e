"""One camp, two platforms: participants on Telegram and on Matrix, one bot process.

The Telegram side talks to the loopback Bot API server, the Matrix side to Synapse;
both adapters run in one runtime on one store. A proposal made on Matrix is voted on
Telegram and the other way round (a 👍 on Matrix), and every vote counts once.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.bootstrap import bootstrap
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.options import TelegramOptions
from bot.telegram.store import TelegramStore
from handlers.core.i18n import catalogues
from storage.barcamp.camp_tables import Proposal
from storage.uow import UnitOfWork
from tests.support.matrix_bot import Young, consented, start_matrix_bot, t
from tests.support.store import raw_session
from tests.support.synapse import SynapseClients, SynapseServer
from tests.support.telegram_api import (
    BotAccount,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import QUICK_LIMITS, Phone, RunningBot, bot_settings, text_of
from tests.support.telegram_updates import TgUser

pytestmark = pytest.mark.e2e

OLGA = TgUser(3001, "Olga", "olga", language_code="de")
BEN = TgUser(3002, "Ben", language_code="de")
CAMP = "BarCamp Zweistadt"


def telegram_text(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


@contextlib.asynccontextmanager
async def both_platforms(
    tg: BotAccount, server: SynapseServer, folder: Path
) -> AsyncIterator[tuple[RunningBot, str]]:
    """The bot with both adapters in one runtime; yields the Telegram view and the Matrix id."""
    settings = bot_settings(tg, f"sqlite:///{folder / 'bot.sqlite3'}")
    app = bootstrap(settings)
    telegram = TelegramAdapter(
        TelegramOptions.from_settings(settings),
        TelegramStore(app.uow_factory, app.clock),
        limits=QUICK_LIMITS,
    )
    matrix = await start_matrix_bot(server, folder, app=app, others={"telegram": telegram})
    try:
        yield RunningBot(app, telegram, matrix.task), matrix.user_id
    finally:
        await matrix.stop()


async def camp_on_telegram(bot: RunningBot, organiser: Phone, other: Phone, name: str) -> str:
    """Both agree on Telegram, the organiser sets up the camp `name`; its join code."""
    for phone in (organiser, other):
        await phone.says("/start")
        await phone.presses(telegram_text("start.agree"))
    await organiser.says("/newcamp")
    for answer in (name, "2030-06-13", "Jugendhaus", "Aula:60", "10:00-10:45"):
        await organiser.says(answer)
    with UnitOfWork(bot.app.engine) as uow:
        event = uow.events.get(1)
        assert event is not None
        return event.code


def tally(bot: RunningBot, title: str) -> int:
    with raw_session(bot.app.engine) as session:
        proposal = session.exec(select(Proposal).where(Proposal.title == title)).one()
    with UnitOfWork(bot.app.engine) as uow:
        return uow.proposals.tallies([proposal])[proposal.id or 0]


async def test_a_camp_on_telegram_and_matrix_counts_every_vote_once(
    telegram_api: BotAccount,
    synapse: SynapseServer,
    synapse_clients: SynapseClients,
    tmp_path: Path,
) -> None:
    async with both_platforms(telegram_api, synapse, tmp_path) as (bot, matrix_bot_id):
        olga, ben = Phone(telegram_api, bot, OLGA), Phone(telegram_api, bot, BEN)
        mia = Young(synapse_clients.new("mia"), matrix_bot_id)
        code = await camp_on_telegram(bot, olga, ben, CAMP)
        await ben.says(f"/join {code}")
        room = await consented(mia)
        await mia.say(room, f"!join {code}")
        assert await mia.replies(room) == [t("join.done", name=CAMP)]

        # Mia proposes on Matrix, Ben on Telegram; Olga approves both on Telegram.
        await mia.say(room, "!propose Skatepark am See")
        await mia.replies(room)
        await ben.says("/propose WLAN im Park")
        await olga.says("/approve 1")
        await olga.says("/approve 2")
        assert t("approve.notice", title="Skatepark am See") in await mia.replies(room)

        # Ben votes for Mia's proposal on Telegram; Mia for Ben's with a 👍 on Matrix.
        await ben.says("/vote 1")
        await mia.say(room, "!sessions")
        _, _, ben_proposal, _ = await mia.next_events(room, 4)
        await mia.react(room, ben_proposal.event_id)
        assert t("vote.added", number=2, title="WLAN im Park") in (await mia.replies(room))[0]
        await mia.say(room, "!vote 1")
        await mia.replies(room)
        await ben.says("/vote 2")

        assert tally(bot, "Skatepark am See") == 2
        assert tally(bot, "WLAN im Park") == 2
        sessions = text_of((await ben.says("/sessions"))[-1])
        assert telegram_text("sessions.votes", count=2) in sessions

        # An announcement from Telegram reaches Matrix too.
        await olga.says("/announce Um 14 Uhr gibt's Pizza!")
        pizza = t("announce.message", name=CAMP, text="Um 14 Uhr gibt's Pizza!")
        assert await mia.replies(room) == [pizza]
        assert telegram_text("announce.message", name=CAMP, text="Um 14 Uhr gibt's Pizza!") in (
            ben.texts()
        )
