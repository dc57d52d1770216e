"""Announcements through the outbox within Telegram's limits, and through a 429 storm."""

from __future__ import annotations

import pytest

from handlers.core.i18n import catalogues
from tests.support.telegram_api import (
    BotAccount,
    FloodLimits,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import (
    CAMP_NAME,
    RunningBot,
    join_people,
    running_bot,
    seed_camp,
)
from tests.support.telegram_updates import TgUser

pytestmark = pytest.mark.e2e

ORGA = TgUser(4001, "Olga", language_code="de")


def add_members(bot: RunningBot, tg: BotAccount, code: str, count: int) -> list[TgUser]:
    users = [TgUser(50_000 + n, f"Teen {n}", language_code="de") for n in range(count)]
    join_people(bot.app.engine, tg, code, users)
    return users


def announcement(text: str) -> str:
    return catalogues().text("de", "announce.message", name=CAMP_NAME, text=text)


@pytest.mark.slow
async def test_announcement_to_200_members_within_the_limits(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    code = seed_camp(sqlite_url, telegram_api, organiser=ORGA)
    async with running_bot(telegram_api, sqlite_url, limits=None) as bot:
        members = add_members(bot, telegram_api, code, 200)
        telegram_api.flood_limits = FloodLimits()  # Telegram's: 429 for every excess send
        update_id = telegram_api.inject_message(ORGA, "/announce Morgen 10 Uhr in der Aula")
        await bot.settled(update_id, timeout=30)
    assert [c for c in telegram_api.calls() if c.error_code == 429] == []
    assert telegram_api.max_sends_in_window(1.0) <= 30
    assert telegram_api.max_sends_per_chat_in_window(1.0) <= 1
    text = announcement("Morgen 10 Uhr in der Aula")
    assert all(telegram_api.delivered_texts(user.id) == [text] for user in members)


async def test_a_429_storm_delays_but_never_doubles(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    code = seed_camp(sqlite_url, telegram_api, organiser=ORGA)
    async with running_bot(telegram_api, sqlite_url, limits=None) as bot:
        members = add_members(bot, telegram_api, code, 40)
        update_id = telegram_api.inject_message(ORGA, "/announce Raumwechsel!")
        telegram_api.fail_during(1.5, retry_after=1, method="sendMessage")
        await bot.settled(update_id, timeout=30)
    storm = [c for c in telegram_api.calls("sendMessage") if c.error_code == 429]
    assert len(storm) >= 1
    text = announcement("Raumwechsel!")
    assert all(telegram_api.delivered_texts(user.id) == [text] for user in members)
    assert telegram_api.delivered_texts(ORGA.id).count(text) == 1
