"""Webhook mode: our endpoint refuses requests without Telegram's secret header."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from sqlmodel import select

from bot.telegram.options import derived_secret
from handlers.core.i18n import catalogues
from storage.core.shared_tables import InboxEvent
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


async def raw_post(port: int, path: str, secret: bytes, body: bytes) -> int:
    """One HTTP request written byte for byte (an HTTP client would refuse such headers)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n"
    ).encode()
    writer.write(head + b"X-Telegram-Bot-Api-Secret-Token: " + secret + b"\r\n\r\n" + body)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


async def test_malformed_secrets_are_refused_without_a_traceback(
    telegram_api: BotAccount, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    secret = derived_secret(telegram_api.token).encode()
    forged = {
        "update_id": 99,
        "message": incoming_message_json(7, TgChat.private(ANA), ANA, "/start"),
    }
    body = json.dumps(forged).encode()
    malformed = [
        secret + b"\xff",  # a byte that is not UTF-8
        secret[:-1] + b"\xc3\xbc",  # UTF-8, but not ASCII ("ü")
        "geheim-äöü-🎉".encode(),
        b"\x80\x81\x82",
        b"",
    ]
    async with running_bot(
        telegram_api, sqlite_url, telegram_webhook_url=url, telegram_webhook_port=port
    ) as bot:
        statuses = [await raw_post(port, "/telegram/hook", given, body) for given in malformed]
        await bot.settled()
        with bot.store() as session:
            assert session.exec(select(InboxEvent)).all() == []
        assert await raw_post(port, "/telegram/hook", secret, body) == 200
    assert statuses == [403] * len(malformed)
    tracebacks = [record for record in caplog.records if record.exc_info]
    assert tracebacks == []
