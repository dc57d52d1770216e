"""One person on Telegram and on Matrix: `/link` there, `!link CODE` here, one person.

Benedikt votes on Telegram (loopback Bot API server) and on Matrix (real Synapse), where
he has an account too; both accounts joined the camp. After linking, a session both
accounts voted for counts once, the budget of 2 is checked again and he is told once
what had to give. `!forgetme` afterwards forgets both accounts.
"""

from __future__ import annotations

import re
from pathlib import Path

import nio  # type: ignore[import-untyped, unused-ignore]
import pytest
from sqlalchemy import Engine
from sqlmodel import func, select

from storage.core.shared_tables import Identity, Person
from tests.e2e.test_matrix_cross_platform import (
    both_platforms,
    camp_on_telegram,
    tally,
    telegram_text,
)
from tests.support.matrix_bot import Young, consented, t
from tests.support.privacy_scan import rows_naming, sqlite_files_naming
from tests.support.store import raw_session
from tests.support.synapse import SynapseClients, SynapseServer
from tests.support.telegram_api import (
    BotAccount,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import Phone, text_of
from tests.support.telegram_updates import TgUser

pytestmark = pytest.mark.e2e

OLGA = TgUser(3101, "Olga", "olga", language_code="de")
BEN = TgUser(7310457, "Benedikt", "benedikt_tg", last_name="Brückenbauer", language_code="de")
MATRIX_NAME = "Benedikt auf Matrix"
CAMP = "BarCamp Zweistadt"
SESSIONS = ("Skatepark am See", "WLAN im Park", "Kino im Sommer")


def people_stored(engine: Engine) -> int:
    with raw_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Person)).one())


async def test_linked_accounts_vote_once_get_one_notice_and_are_forgotten_together(
    telegram_api: BotAccount,
    synapse: SynapseServer,
    synapse_clients: SynapseClients,
    tmp_path: Path,
) -> None:
    async with both_platforms(telegram_api, synapse, tmp_path) as (bot, matrix_bot_id):
        olga, ben = Phone(telegram_api, bot, OLGA), Phone(telegram_api, bot, BEN)
        code = await camp_on_telegram(bot, olga, ben, CAMP)
        await olga.says("/settings budget 2")
        for title in SESSIONS:
            await olga.says(f"/propose {title}")  # an organiser's are approved at once
        await ben.says(f"/join {code}")
        on_matrix = Young(synapse_clients.new("benedikt"), matrix_bot_id)
        named = await on_matrix.client.set_displayname(MATRIX_NAME)
        assert isinstance(named, nio.ProfileSetDisplayNameResponse)
        room = await consented(on_matrix)
        await on_matrix.say(room, f"!join {code}")
        assert await on_matrix.replies(room) == [t("join.done", name=CAMP)]

        # Telegram votes 1 and 2 first, Matrix 2 and 3 afterwards.
        await ben.says("/vote 1 2")
        await on_matrix.say(room, "!vote 2 3")
        await on_matrix.replies(room)
        assert [tally(bot, title) for title in SESSIONS] == [1, 2, 1]
        people = people_stored(bot.app.engine)

        issued = text_of((await ben.says("/link"))[-1])
        match = re.search(r"/link ([A-Z2-9]{8})", issued)
        assert match, issued
        ben.new_messages()
        await on_matrix.say(room, f"!link {match.group(1)}")
        answers = await on_matrix.replies(room, count=2)
        given_back = t(
            "link.votes_given_back", count=1, budget=2, name=CAMP, sessions=f"3. {SESSIONS[2]}"
        )
        assert sorted(answers) == sorted([given_back, t("link.done", platform="Telegram")])

        assert [tally(bot, title) for title in SESSIONS] == [1, 1, 0]
        assert people_stored(bot.app.engine) == people - 1
        # One notice: in the chat where he linked, not again on Telegram.
        await bot.settled()
        assert not any("🗳" in text_of(message) for message in ben.new_messages())
        with raw_session(bot.app.engine) as session:
            platforms = sorted(session.exec(select(Identity.platform)).all())
        assert platforms == ["matrix", "telegram", "telegram"]  # Olga, and Ben twice
        # The same ballot from Telegram now: two votes used of two.
        sessions = "\n".join(text_of(m) for m in await ben.says("/sessions"))
        assert telegram_text("vote.budget", used=2, budget=2) in sessions

        await on_matrix.say(room, "!forgetme confirm")
        assert await on_matrix.replies(room) == [t("forgetme.done")]
        needles = ["Benedikt", "Brückenbauer", "benedikt_tg", str(BEN.id), on_matrix.user_id]
        needles += [MATRIX_NAME, room]
        assert rows_naming(bot.app.engine, needles) == {}
        assert sqlite_files_naming(bot.app.engine, needles) == {}
        assert people_stored(bot.app.engine) == people - 2
        assert [tally(bot, title) for title in SESSIONS] == [1, 1, 0]  # anonymous counts
