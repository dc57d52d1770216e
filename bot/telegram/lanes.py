"""Handle work in order per lane (a person) and side by side across lanes."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
Item = TypeVar("Item")


class Lanes(Generic[Item]):
    def __init__(self, work: Callable[[Item], Awaitable[None]], concurrency: int = 8) -> None:
        self._work = work
        self._slots = asyncio.Semaphore(concurrency)
        self._queues: dict[str, deque[Item]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self.backlog = 0

    def put(self, lane: str, item: Item) -> None:
        self.backlog += 1
        self._idle.clear()
        queue = self._queues.get(lane)
        if queue is not None:
            queue.append(item)  # its runner is still working through this lane
            return
        self._queues[lane] = deque([item])
        task = asyncio.create_task(self._run(lane), name=f"lane {lane}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, lane: str) -> None:
        queue = self._queues[lane]
        try:
            while queue:
                async with self._slots:
                    await self._work_safely(queue[0])
                queue.popleft()
                self.backlog -= 1
        finally:
            del self._queues[lane]
            if not self._queues:
                self._idle.set()

    async def _work_safely(self, item: Item) -> None:
        try:
            await self._work(item)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The item stays unhandled in the store and is tried again after a restart.
            log.exception("handling %r failed", item)

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
