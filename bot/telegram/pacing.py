"""Pacing sends to Telegram's limits: 30 messages/s overall, 1/s per private chat, 20/min
per group.

A send counts from when it starts until its answer arrives *plus* the window: Telegram
measures when a request arrives, which we only know to lie between the two. Counting an
earlier send until its answer came back means no later send can arrive inside its window,
however the network delays either of them, at the cost of one round trip per window.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

IN_FLIGHT = math.inf


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: float


@dataclass(frozen=True)
class SendLimits:
    overall: Limit = Limit(30, 1.0)
    private_chat: Limit = Limit(1, 1.0)
    group_chat: Limit = Limit(20, 60.0)


class _Window:
    """The sends that still count against one limit: their end times (inf while in flight)."""

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.ends: list[float] = []

    def wait_needed(self, now: float) -> float:
        """0 if one more send may start now; inf while in-flight sends decide; else seconds."""
        self.ends = [end for end in self.ends if end > now - self.limit.seconds]
        excess = len(self.ends) - self.limit.count
        if excess < 0:
            return 0.0
        # The send whose window must pass before one more may start.
        deciding = sorted(self.ends)[excess]
        return deciding + self.limit.seconds - now


class SendPacer:
    """`async with pacer.turn(chat_id, is_group):` around every message send."""

    def __init__(
        self, limits: SendLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or SendLimits()
        self.clock = clock
        self._overall = _Window(self.limits.overall)
        self._chats: dict[str, _Window] = {}
        self._changed = asyncio.Event()

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: str, is_group: bool) -> AsyncIterator[None]:
        windows = (self._overall, self._chat_window(chat_id, is_group))
        await self._wait_for_room(windows)
        for window in windows:
            window.ends.append(IN_FLIGHT)
        try:
            yield
        finally:
            finished = self.clock()
            for window in windows:
                window.ends.remove(IN_FLIGHT)
                window.ends.append(finished)
            self._changed.set()

    def _chat_window(self, chat_id: str, is_group: bool) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            limit = self.limits.group_chat if is_group else self.limits.private_chat
            window = self._chats[chat_id] = _Window(limit)
        if len(self._chats) > 10_000:
            self._forget_idle_chats()
        return window

    def _forget_idle_chats(self) -> None:
        now = self.clock()
        for chat_id, window in list(self._chats.items()):
            if window.wait_needed(now) == 0 and not window.ends:
                del self._chats[chat_id]

    async def _wait_for_room(self, windows: tuple[_Window, ...]) -> None:
        while True:
            wait = max(window.wait_needed(self.clock()) for window in windows)
            if wait <= 0:
                return
            self._changed.clear()
            # Woken early when a send finishes; otherwise when the window has passed.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), None if wait == IN_FLIGHT else wait)
