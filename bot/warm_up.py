"""Start-up work that makes a later first use fast, done off the event loop."""

from __future__ import annotations

import asyncio
import logging

from bot.bootstrap import App
from bot.outbox import OutboxSender
from schedules.barcamp.planner import warm_up

log = logging.getLogger(__name__)


class PlannerWarmUp:
    """Compiles the planner's annealer (or loads it from Numba's cache) in a thread, so
    that the first /plan does not hold the store's write lock while it compiles."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    async def start(self, app: App, sender: OutboxSender) -> None:
        self._task = asyncio.create_task(self._warm_up(), name="planner warm-up")

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()  # the thread finishes on its own

    @staticmethod
    async def _warm_up() -> None:
        try:
            await asyncio.to_thread(warm_up)
        except Exception:  # the first plan compiles then; nothing else depends on this
            log.exception("could not prepare the planner")
