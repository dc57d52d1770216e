"""Webhook mode: our endpoint refuses requests without Telegram's secret header."""

from __future__ import annotations

import socket

import pytest

from bot.telegram.options import derived_secret
from handlers.core.i18n import catalogues
from tests.support.telegram_api import (
    BotAccount,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import Phone, running_bot, text_of
from tests.support.telegram_updates import TgChat, TgUser, incoming_message_json

pytestmark = pytest.mark.e2e

ANA = TgUser(5001, "Ana", language_code="de")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_with_secret_is_handled_without_is_refused(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    async with running_bot(
        telegram_api, sqlite_url, telegram_webhook_url=url, telegram_webhook_port=port
    ) as bot:
        webhook = telegram_api.webhook()
        assert webhook is not None
        assert webhook.url == url
        assert webhook.secret_token == derived_secret(telegram_api.token)

        ana = Phone(telegram_api, bot, ANA)
        welcome = await ana.says("/start")  # delivered by the server with the secret
        assert text_of(welcome[0]) == catalogues().text("de", "start.welcome")

        forged = {"message": incoming_message_json(7, TgChat.private(ANA), ANA, "/privacy")}
        assert await telegram_api.post_to_webhook(secret=None, update=forged) == 403
        assert await telegram_api.post_to_webhook(secret="wrong", update=forged) == 403
        await bot.settled()
        assert ana.new_messages() == []
        secret = derived_secret(telegram_api.token)
        assert await telegram_api.post_to_webhook(secret=secret, update=forged) == 200
        privacy = catalogues().text("de", "privacy.notice")
        await telegram_api.wait_for(lambda _: privacy in telegram_api.delivered_texts(ANA.id))
    assert [d.status for d in telegram_api.webhook_deliveries()] == [200]
    assert telegram_api.calls("getUpdates") == []
