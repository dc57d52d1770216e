"""How open pages learn of changes: the store is the truth, one poll a second per process.

Bot processes raise a camp's change counter (`campsettings.board_version`) in the same
transaction as the change. Each web process keeps one `Watcher`: once a second it reads the
counters of the camps that have open streams (one small query, however many streams), and
when one rose it reads that camp's public agenda once and wakes every stream of that camp.
The streams render from that one snapshot (`PageCache`: once per page and state, not once
per stream), so 500 open boards cost one read and a few renders per change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from handlers.barcamp.public_pages import PublishedCamp

log = logging.getLogger(__name__)

LoadCamp = Callable[[int], PublishedCamp | None]
LoadVersions = Callable[[set[int]], dict[int, int]]


@dataclass
class _Topic:
    camp: PublishedCamp | None
    streams: int = 0
    # Replaced by a new one at every change: whoever waits on the old one wakes.
    signal: asyncio.Event = field(default_factory=asyncio.Event)


class Watcher:
    def __init__(
        self, load_camp: LoadCamp, load_versions: LoadVersions, interval: float = 1.0
    ) -> None:
        self._load_camp = load_camp
        self._load_versions = load_versions
        self._interval = interval
        self._topics: dict[int, _Topic] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="live-board-watcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @contextlib.contextmanager
    def stream(self, event_id: int, camp: PublishedCamp) -> Iterator[None]:
        """While a page of the camp is open, the watcher polls its counter."""
        topic = self._topics.setdefault(event_id, _Topic(camp))
        topic.streams += 1
        try:
            yield
        finally:
            topic.streams -= 1
            if topic.streams == 0:
                del self._topics[event_id]

    def camp(self, event_id: int) -> PublishedCamp | None:
        """The newest snapshot of the camp; None once it is no longer public."""
        topic = self._topics.get(event_id)
        return topic.camp if topic else None

    def signal(self, event_id: int) -> asyncio.Event:
        return self._topics[event_id].signal

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.poll()
            except Exception:  # a store that is away for a moment: try again next second
                log.exception("live board: polling the store failed")

    async def poll(self) -> None:
        watched = {event_id for event_id, topic in self._topics.items() if topic.streams}
        if not watched:
            return
        versions = await asyncio.to_thread(self._load_versions, watched)
        for event_id in watched:
            topic = self._topics.get(event_id)
            if topic is None or topic.camp is None:
                continue
            if versions.get(event_id, topic.camp.version) != topic.camp.version:
                topic.camp = await asyncio.to_thread(self._load_camp, event_id)
                woken, topic.signal = topic.signal, asyncio.Event()
                woken.set()


class PageCache:
    """Rendered page parts by (camp, version, page, state): the first stream renders."""

    def __init__(self, limit: int = 256) -> None:
        self._parts: dict[tuple[object, ...], str] = {}
        self._limit = limit

    def get(self, key: tuple[object, ...], render: Callable[[], str]) -> str:
        part = self._parts.get(key)
        if part is None:
            if len(self._parts) >= self._limit:
                self._parts.clear()
            part = self._parts[key] = render()
        return part
