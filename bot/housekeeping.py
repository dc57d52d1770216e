"""Deletes what delivery no longer needs: the keys of handled events, finished messages
(and `/link` codes used or expired a day ago).

Both are kept for `BARCAMP_DELIVERY_RETENTION_DAYS` (at least one day: Telegram
redelivers an update it was not told we received for up to 24 hours, and a key deleted
earlier could let such an update be handled twice). Matrix redelivers nothing before
the sync token in the store, so its events are kept at least until the token has moved
past them. On SQLite the write-ahead log is emptied afterwards, so the old page images
in it (with what was deleted, e.g. after /forgetme) go too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from bot.bootstrap import App
from bot.outbox import OutboxSender
from handlers.core.identity_linking import prune_link_codes
from storage.db import empty_wal
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

RUN_EVERY_SECONDS = 3600.0
# Platforms that resume from a position kept in the channel state (Matrix's sync token,
# `bot.matrix.store.NEXT_BATCH`): what was handled after it was stored may come again.
RESUMES_FROM = {"matrix": "next_batch"}


@dataclass(frozen=True)
class Pruned:
    events: int
    messages: int


def prune_deliveries(
    uow_factory: UnitOfWorkFactory, engine: Engine, now: datetime, retention: timedelta
) -> Pruned:
    cutoff = now - retention
    events = 0
    with uow_factory() as uow:
        for platform in uow.inbox.platforms():
            handled_before = cutoff
            position = RESUMES_FROM.get(platform)
            stored_at = uow.channels.state_updated_at(platform, position) if position else None
            if stored_at is not None:
                handled_before = min(cutoff, stored_at)
            events += uow.inbox.prune(platform, handled_before)
        messages = uow.outbox.prune(cutoff)
        prune_link_codes(uow, now)
    if not empty_wal(engine):
        log.info("the write-ahead log is in use; emptied at the next round")
    return Pruned(events, messages)


class DeliveryHousekeeping:
    """Runs `prune_deliveries` at start and then every hour."""

    def __init__(self, retention: timedelta, every_seconds: float = RUN_EVERY_SECONDS) -> None:
        self.retention = retention
        self.every_seconds = every_seconds
        self._task: asyncio.Task[None] | None = None

    async def start(self, app: App, sender: OutboxSender) -> None:
        self._task = asyncio.create_task(self._run(app), name="delivery housekeeping")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, app: App) -> None:
        while True:
            try:
                pruned = await asyncio.to_thread(
                    prune_deliveries, app.uow_factory, app.engine, app.clock.now(), self.retention
                )
                log.info("pruned %d handled events, %d messages", pruned.events, pruned.messages)
            except Exception:  # the next round tries again; delivery does not depend on it
                log.exception("pruning the inbox and outbox failed")
            await asyncio.sleep(self.every_seconds)
