"""The adapter's settings, taken from `bot.settings.Settings`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.settings import Settings

TELEGRAM_API_URL = "https://api.telegram.org"


@dataclass(frozen=True)
class WebhookOptions:
    public_url: str
    listen: str
    port: int
    path: str
    secret: str


@dataclass(frozen=True)
class TelegramOptions:
    token: str
    api_url: str = TELEGRAM_API_URL
    default_language: str = "de"
    webhook: WebhookOptions | None = None
    # The username join links are made with (BARCAMP_TELEGRAM_BOT_USERNAME), if any.
    link_username: str | None = None
    # People handled side by side, so that waiting for Telegram's answers to some
    # overlaps the store work of others (SQLite's writers queue on a lock that hands
    # over at once). bench/telegram_votes.py, throughput against the bare bot: 4 side
    # by side 0.76, 8 0.82, 16 0.89, 32 0.87.
    concurrency: int = 16

    @property
    def base_url(self) -> str:
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url}/file/bot"

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramOptions:
        if settings.telegram_token is None:
            raise ValueError("BARCAMP_TELEGRAM_TOKEN is not set")
        token = settings.telegram_token.get_secret_value()
        return cls(
            token=token,
            api_url=(settings.telegram_api_url or TELEGRAM_API_URL).rstrip("/"),
            default_language=settings.default_language,
            webhook=_webhook(settings, token),
            link_username=settings.telegram_bot_username,
        )


def _webhook(settings: Settings, token: str) -> WebhookOptions | None:
    if not settings.telegram_webhook_url:
        return None
    secret = settings.telegram_webhook_secret
    return WebhookOptions(
        public_url=settings.telegram_webhook_url,
        listen=settings.telegram_webhook_listen,
        port=settings.telegram_webhook_port,
        path=settings.telegram_webhook_path or urlsplit(settings.telegram_webhook_url).path or "/",
        secret=secret.get_secret_value() if secret else derived_secret(token),
    )


def derived_secret(token: str) -> str:
    """Stable across restarts and as secret as the token; Telegram allows [A-Za-z0-9_-]."""
    return hashlib.sha256(b"barcamp-bot webhook:" + token.encode()).hexdigest()
