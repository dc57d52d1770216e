"""Runs the bot: every configured adapter, the outbox sender and background services."""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Protocol, cast

from bot.adapter import Adapter
from bot.bootstrap import App
from bot.console import ConsoleAdapter
from bot.dispatcher import Dispatcher
from bot.housekeeping import DeliveryHousekeeping
from bot.outbox import OutboxSender
from bot.scheduler import SchedulerService
from bot.settings import Settings
from bot.warm_up import PlannerWarmUp
from storage.leases import worker_lease

log = logging.getLogger(__name__)


class Service(Protocol):
    """Background work beside the adapters, e.g. the scheduler of reminders."""

    async def start(self, app: App, sender: OutboxSender) -> None: ...

    async def stop(self) -> None: ...


def build_adapters(app: App) -> dict[str, Adapter]:
    """The adapters the settings turn on; the console when no platform is configured.

    They reach the store through the app's units of work and tell time by its clock.
    """
    settings = app.settings
    adapters: dict[str, Adapter] = {}
    for platform, enabled, hooks in (
        # Telegram tells the bot's username once connected: it makes the join links.
        (
            "telegram",
            settings.telegram_enabled,
            {"on_username": app.learn_telegram_username, "leases": app.leases},
        ),
        # Only the process that holds the Matrix lease syncs and sends (bot/matrix).
        ("matrix", settings.matrix_enabled, {"leases": app.leases}),
    ):
        if enabled:
            # Each platform package offers `from_settings(settings, uow_factory, clock)`.
            package = importlib.import_module(f"bot.{platform}")
            adapter = package.from_settings(settings, app.uow_factory, app.clock, **hooks)
            adapters[platform] = cast(Adapter, adapter)
    if not adapters:
        adapters["console"] = ConsoleAdapter(
            settings.default_language, Path(settings.data_dir) / "console"
        )
    return adapters


def build_services(settings: Settings) -> list[Service]:
    retention = timedelta(days=settings.delivery_retention_days)
    return [
        SchedulerService(settings.schedule_sync_seconds),
        PlannerWarmUp(),
        DeliveryHousekeeping(retention),
    ]


def freeze_startup_heap() -> None:
    """Keeps what lives as long as the bot process out of the collector's full passes.

    The imports (the planner's solver among them), the catalogues and the store's
    metadata make the heap large, and a full pass over it took tens of milliseconds in the
    middle of an answer: with this, the p95 of bench/matrix_roundtrip.py fell from about
    110 ms to 90-108 ms. Called by `barcamp-bot run` once everything is built, so test
    processes keep their normal garbage collection.
    """
    gc.collect()
    gc.freeze()


async def run_bot(
    app: App, adapters: Mapping[str, Adapter], services: Sequence[Service] = ()
) -> bool:
    """Until the first adapter stops (the console at end of input) or the task is cancelled.

    False when an adapter stopped because it failed (the process should say so).
    """
    failed = False
    # Alive while this is held: other processes leave the messages it claims to it.
    await asyncio.to_thread(app.leases.try_hold, worker_lease(app.worker))
    sender = OutboxSender(
        app.uow_factory, adapters, app.clock, worker=app.worker, leases=app.leases
    )
    sender.recover()
    dispatcher = Dispatcher(app.router, sender)
    sending = asyncio.create_task(sender.run(), name="outbox")
    for service in services:
        await service.start(app, sender)
    adapter_tasks = [
        asyncio.create_task(adapter.start(dispatcher.on_event), name=name)
        for name, adapter in adapters.items()
    ]
    try:
        done, _ = await asyncio.wait(adapter_tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task.exception() is not None:
                log.error("adapter %s stopped", task.get_name(), exc_info=task.exception())
                failed = True
    finally:
        for adapter in adapters.values():
            await adapter.stop()
        for service in services:
            await service.stop()
        await sender.flush()
        for task in [*adapter_tasks, sending]:
            task.cancel()
        await asyncio.gather(*adapter_tasks, sending, return_exceptions=True)
        app.leases.close()
    return not failed
