"""The Telegram adapter (python-telegram-bot): `from_settings` is what the runtime calls.

Modules, one concern each: `adapter` (the port), `polling` and `webhook` (updates in),
`store` (the durable inbox and small state), `updates` (updates to neutral events),
`lanes` (ordered per person, parallel across people), `sending` (replies to API calls),
`pacing` (Telegram's send limits), `rendering` (escaping, splitting, inline keyboards),
`menus` (setMyCommands), `options` (settings).
"""

from __future__ import annotations

import logging
import os

# PTB's documented opt-in to time periods as timedelta (its future default): without it,
# every 429 warns that `RetryAfter.retry_after` will change type. We read both forms.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.settings import Settings
from bot.telegram.adapter import TelegramAdapter, UsernameHandler
from bot.telegram.options import TelegramOptions
from bot.telegram.store import TelegramStore
from schedules.core.clock import Clock
from storage.leases import Leases
from storage.uow import UnitOfWorkFactory

__all__ = ["TelegramAdapter", "from_settings"]

# httpx logs every request at INFO with its URL, which holds the bot token.
logging.getLogger("httpx").setLevel(logging.WARNING)


def from_settings(
    settings: Settings,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    on_username: UsernameHandler | None = None,
    leases: Leases | None = None,
) -> TelegramAdapter:
    """The adapter on the store and clock that bootstrap built (and migrated); with
    `leases`, it polls only while this process holds the polling lease."""
    store = TelegramStore(uow_factory, clock)
    options = TelegramOptions.from_settings(settings)
    return TelegramAdapter(options, store, on_username=on_username, leases=leases)
