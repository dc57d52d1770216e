"""The scheduler service: APScheduler jobs for the pending items in the store.

The store is the truth. At start-up every pending `ScheduledItem` becomes a one-off
job at its due time (overdue ones run at once, where the grace rule decides what is
still sent); a sync job picks up items added since (by any bot process) every
`SYNC_SECONDS`. A job only calls `handlers.core.timed_work.run_due`, which claims each item
in the transaction that queues its messages, so jobs that fire twice, in two
processes or after a restart never send anything twice.

A daily job (and one at start-up) runs retention (`handlers.core.retention`): it finds
the events whose personal data is due to go, and claims each step the same way.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

# APScheduler 3 ships no type information.
from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.date import DateTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from bot.bootstrap import App
from bot.outbox import OutboxSender
from handlers.core.retention import run_retention
from handlers.core.timed_work import run_due

log = logging.getLogger(__name__)

SYNC_SECONDS = 15.0
SYNC_JOB = "sync"
RETENTION_JOB = "retention"
RETENTION_HOURS = 24


class SchedulerService:
    def __init__(self, sync_seconds: float = SYNC_SECONDS) -> None:
        self.sync_seconds = sync_seconds
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._app: App | None = None
        self._sender: OutboxSender | None = None

    async def start(self, app: App, sender: OutboxSender) -> None:
        self._app, self._sender = app, sender
        self.scheduler.start()
        await self.rebuild()
        self.scheduler.add_job(
            self.rebuild,
            IntervalTrigger(seconds=self.sync_seconds, timezone=UTC),
            id=SYNC_JOB,
            coalesce=True,
            max_instances=1,
        )
        self.scheduler.add_job(
            self.retention,
            IntervalTrigger(hours=RETENTION_HOURS, timezone=UTC),
            id=RETENTION_JOB,
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
        )

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def rebuild(self) -> None:
        """One job per pending item, at its due time as the app's clock sees it."""
        pending = await asyncio.to_thread(self._pending)
        for item_id, due_at in pending:
            self.scheduler.add_job(
                self.work,
                DateTrigger(run_date=self._wall_time(due_at), timezone=UTC),
                id=f"item-{item_id}",
                replace_existing=True,
                # However late: the grace rule in run_due decides what still goes out.
                misfire_grace_time=None,
                coalesce=True,
            )

    async def work(self) -> int:
        """Run what is due and wake the outbox sender for its messages."""
        app, sender = self._running()
        ran = await asyncio.to_thread(
            run_due, app.uow_factory, app.clock, app.router.catalogues, app.router.config
        )
        if ran:
            sender.wake()
        return ran

    async def retention(self) -> int:
        """Notify and anonymise the events that are due, and deliver the notices."""
        app, sender = self._running()
        done = await asyncio.to_thread(
            run_retention, app.uow_factory, app.clock, app.router.catalogues, app.router.config
        )
        if done:
            sender.wake()
        return done

    def _pending(self) -> list[tuple[int, datetime]]:
        app, _ = self._running()
        with app.uow_factory() as uow:
            return [(item.id or 0, item.due_at) for item in uow.timed_items.pending()]

    def _wall_time(self, due_at: datetime) -> datetime:
        """APScheduler counts real time; the app's clock may be another (tests)."""
        app, _ = self._running()
        return datetime.now(UTC) + max(due_at - app.clock.now(), timedelta(0))

    def _running(self) -> tuple[App, OutboxSender]:
        if self._app is None or self._sender is None:
            raise RuntimeError("the scheduler service has not been started")
        return self._app, self._sender
