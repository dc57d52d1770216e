"""A council's date poll on Telegram and Matrix at once, one bot process, one tally.

Olga and Ben answer on Telegram with the poll's inline buttons (a press edits the poll
message with the new counts), Mia on Matrix with the command lines the poll shows her;
Olga closes the poll and confirms a date with a button, and the meeting is stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from storage.council.council_tables import Meeting
from storage.council.date_poll_tables import DateAnswer, DateAnswerKind
from storage.uow import UnitOfWork
from tests.e2e.test_matrix_cross_platform import both_platforms, telegram_text
from tests.support.matrix_bot import Young, consented, t
from tests.support.store import raw_session
from tests.support.synapse import SynapseClients, SynapseServer
from tests.support.telegram_api import (
    BotAccount,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import Phone, button_data, text_of
from tests.support.telegram_updates import TgUser

pytestmark = pytest.mark.e2e

OLGA = TgUser(3101, "Olga", "olga", language_code="de")
BEN = TgUser(3102, "Ben", language_code="de")
COUNCIL = "Jugendrat Zweistadt"


async def test_a_date_poll_answered_on_telegram_and_matrix(
    telegram_api: BotAccount,
    synapse: SynapseServer,
    synapse_clients: SynapseClients,
    tmp_path: Path,
) -> None:
    # Dates a month ahead of the real clock (the bot runs on it here), at 17:00.
    first = (datetime.now() + timedelta(days=30)).replace(hour=17, minute=0, second=0)
    second = first + timedelta(days=2)
    dates = [f"{when:%Y-%m-%d %H:%M}" for when in (first, second)]
    async with both_platforms(telegram_api, synapse, tmp_path) as (bot, matrix_bot_id):
        olga, ben = Phone(telegram_api, bot, OLGA), Phone(telegram_api, bot, BEN)
        mia = Young(synapse_clients.new("mia"), matrix_bot_id)
        for phone in (olga, ben):
            await phone.says("/start")
            await phone.presses(telegram_text("start.agree"))
        await olga.says(f"/newcouncil {COUNCIL} | Rathaus")
        with UnitOfWork(bot.app.engine) as uow:
            council = uow.events.get(1)
            assert council is not None
            code = council.code
        await ben.says(f"/join {code}")
        room = await consented(mia)
        await mia.say(room, f"!join {code}")
        assert await mia.replies(room) == [t("join.done_council", name=COUNCIL)]

        created = await olga.says(f"/datepoll Treffen | {dates[0]} | {dates[1]} | dauer 60")
        assert text_of(created[0]) == telegram_text(
            "datepoll.created", number=1, count=3, minutes=60
        )
        # On Telegram: one message, a row of three buttons per date.
        [ben_poll] = ben.new_messages()
        assert button_data(ben_poll)[:3] == [
            "dateanswer 1 1 yes",
            "dateanswer 1 1 maybe",
            "dateanswer 1 1 no",
        ]
        # On Matrix the buttons are lines to send.
        [mia_poll] = await mia.replies(room)
        assert "➜ !dateanswer 1 2 maybe — 2 🤷" in mia_poll

        # Ben presses ✅ for date 1: his poll message is edited with the count.
        await ben.presses("1 ✅", ben_poll)
        [edited] = [m for m in ben.messages() if m["message_id"] == ben_poll["message_id"]]
        assert "✅ 1 · 🤷 0 · ❌ 0" in text_of(edited)
        assert "✔ 1 ✅" in [
            b["text"] for row in edited["reply_markup"]["inline_keyboard"] for b in row
        ]
        # Mia answers on Matrix, then changes date 2 from no to if need be.
        await mia.say(room, "!dateanswer 1 1 yes")
        assert (await mia.replies(room))[0].startswith("Gespeichert: 1.")
        await mia.say(room, "!dateanswer 1 2 no")
        await mia.replies(room)
        await mia.say(room, "!dateanswer 1 2 maybe")
        await mia.replies(room)
        # Olga answers on her own poll message.
        await olga.presses("2 ✅")
        with raw_session(bot.app.engine) as session:
            stored = sorted(
                (row.option_id, row.answer) for row in session.exec(select(DateAnswer)).all()
            )
        one, two = sorted({option for option, _ in stored})
        assert stored == [
            (one, DateAnswerKind.YES),
            (one, DateAnswerKind.YES),
            (two, DateAnswerKind.MAYBE),
            (two, DateAnswerKind.YES),
        ]
        # Olga sees who answered what; Ben does not.
        team_view = text_of((await olga.says("/datepoll 1"))[-1])
        mia_name = mia.user_id[1:].split(":")[0]  # Synapse's default display name
        assert f"1. ✅ Ben, {mia_name} · 🤷 – · ❌ –" in team_view
        assert f"2. ✅ Olga · 🤷 {mia_name} · ❌ –" in team_view
        assert "Ben," not in text_of((await ben.says("/datepoll 1"))[-1])

        # Closing proposes date 1 (quorum 2 of 3, two yes); Olga confirms with the button.
        closed = await olga.says("/closepoll 1")
        assert text_of(closed[0]) == telegram_text("datepoll.closing", number=1)
        proposal = next(m for m in closed if "dateconfirm 1 1" in button_data(m))
        assert button_data(proposal)[0] == "dateconfirm 1 1"
        [mia_closed] = await mia.replies(room)
        assert mia_closed.startswith(t("datepoll.closed_heading", number=1))
        assert "!dateanswer" not in mia_closed
        assert "Ben" not in mia_closed
        await olga.presses(proposal["reply_markup"]["inline_keyboard"][0][0]["text"], proposal)
        with raw_session(bot.app.engine) as session:
            [meeting] = session.exec(select(Meeting)).all()
        assert (meeting.title, meeting.starts_at, meeting.duration_minutes) == (
            "Treffen",
            first.replace(microsecond=0),
            60,
        )
