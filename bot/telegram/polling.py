"""Polling mode: a getUpdates loop that keeps each batch in the store before confirming it.

The Bot API confirms updates with the next call's offset. PTB's Updater asks for the next
batch as soon as it has queued the current one, so a crash loses what was being handled;
here the next call waits until the batch is stored (see `on_batch`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, Update
from telegram import error as tg_error

from bot.telegram.sending import retry_seconds
from bot.telegram.updates import ALLOWED_UPDATES

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 30
MAX_PAUSE_SECONDS = 30.0
# Each update as received (to keep) and as read (to handle, without reading it again).
Received = tuple[dict[str, Any], Update]
BatchHandler = Callable[[list[Received]], Awaitable[None]]


class PollingBot(Bot):
    """PTB's Bot, whose getUpdates also gives each update as received, to keep: turning
    PTB's objects back into dicts cost more than reading them (4% of a vote press)."""

    async def get_updates_as_received(
        self, offset: int, timeout: int, allowed_updates: list[str]
    ) -> list[Received]:
        """`get_updates`, with the same request (and its long read timeout)."""
        data = {"offset": offset, "timeout": timeout, "allowed_updates": allowed_updates}
        read_timeout = (self._request[0].read_timeout or 0) + timeout
        payloads: list[dict[str, Any]] = await self._post(
            "getUpdates", data, read_timeout=read_timeout
        )
        return [(payload, Update.de_json(payload, self)) for payload in payloads]


class Poller:
    def __init__(
        self,
        bot: PollingBot,
        on_batch: BatchHandler,
        long_poll_seconds: int = LONG_POLL_SECONDS,
        leading: Callable[[], bool] = lambda: True,
    ) -> None:
        self.bot = bot
        self.on_batch = on_batch
        self.long_poll_seconds = long_poll_seconds
        self.leading = leading  # False once this process lost the polling lease

    async def run(self) -> None:
        """Until this process is no longer the one that polls (see `leading`)."""
        offset, pause, webhook_deleted = 0, 1.0, False
        while self.leading():
            try:
                if not webhook_deleted:  # getUpdates is refused while a webhook is set
                    webhook_deleted = await self.bot.delete_webhook()
                batch = await self.bot.get_updates_as_received(
                    offset, self.long_poll_seconds, list(ALLOWED_UPDATES)
                )
            except tg_error.RetryAfter as error:
                await asyncio.sleep(retry_seconds(error))
                continue
            except (tg_error.NetworkError, tg_error.Conflict) as error:
                # Telegram unreachable, or a second bot process polls: try again later.
                log.warning("getUpdates failed (%s); again in %.0f s", error, pause)
                await asyncio.sleep(pause)
                pause = min(MAX_PAUSE_SECONDS, pause * 2)
                continue
            pause = 1.0
            if batch and await self._keep(batch):
                offset = batch[-1][1].update_id + 1

    async def _keep(self, batch: list[Received]) -> bool:
        """False when the store failed: the batch stays unconfirmed and comes again."""
        try:
            await self.on_batch(batch)
        except Exception:
            log.exception("could not keep %d updates; asking for them again", len(batch))
            await asyncio.sleep(1.0)
            return False
        return True
