"""The sync loop: events in order per room, each handled once, the token stored after.

`next_batch` lives in our store and moves on only after every event of a sync has been
handled. A crash in between makes the next start sync from the old token again; the
events it brings twice are skipped by the inbox claim the core makes per event id. A
sync whose timeline was cut short ("limited") is completed from the room's history up
to the old token, so no command gets lost while the bot was away.

The first sync of every start asks for the full state of all rooms (their members and
encryption), which a sync from a stored token would not tell the new client.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import nio  # type: ignore[import-untyped, unused-ignore]

from bot.adapter import IncomingHandler
from bot.matrix.inbound import Inbound
from bot.matrix.invites import Invites
from bot.matrix.rooms import Rooms
from bot.matrix.sending import CONNECTION_ERRORS
from bot.matrix.session import keep_keys
from bot.matrix.store import NEXT_BATCH, MatrixStore

log = logging.getLogger(__name__)

TIMELINE_LIMIT = 100
HISTORY_PAGES = 20
BACKOFF_START_S, BACKOFF_CAP_S = 0.5, 30.0
SYNC_FILTER = {"room": {"timeline": {"limit": TIMELINE_LIMIT}}, "presence": {"not_types": ["*"]}}

Greeter = Callable[[str, bool], Awaitable[None]]


class SyncLoop:
    def __init__(
        self,
        client: nio.AsyncClient,
        store: MatrixStore,
        rooms: Rooms,
        inbound: Inbound,
        invites: Invites,
        greet: Greeter,
        relogin: Callable[[], Awaitable[None]],
        timeout_ms: int,
    ) -> None:
        self.client = client
        self.store = store
        self.rooms = rooms
        self.inbound = inbound
        self.invites = invites
        self.greet = greet
        self.relogin = relogin
        self.timeout_ms = timeout_ms
        self.stopping = False

    async def run(self, on_event: IncomingHandler) -> None:
        token = await asyncio.to_thread(self.store.get, NEXT_BATCH)
        full_state, failures = True, 0
        while not self.stopping:
            response = await self._sync(token, full_state)
            try:
                await self._process(response, token, on_event)
            except Exception:
                failures += 1
                log.exception("handling a sync failed; syncing again from the same token")
                self.client.next_batch = None  # else nio skips the repeated response
                await asyncio.sleep(backoff(failures))
                continue
            token, full_state, failures = response.next_batch, False, 0
            await asyncio.to_thread(self.store.put, NEXT_BATCH, token)

    async def _process(
        self, response: nio.SyncResponse, token: str | None, on_event: IncomingHandler
    ) -> None:
        await keep_keys(self.client)
        await self.invites.accept(response.rooms.invite)
        for room_id, direct in self.invites.due(response.rooms.join):
            await self.greet(room_id, direct)  # before answering what came with the join
        if token is not None:  # the very first sync is history from before the bot
            await self._deliver_by_room(await self._timeline(response, token), on_event)
        await self.inbound.retry_undecrypted(on_event)
        await self._partners_who_left(response)

    async def _deliver_by_room(
        self, events: list[tuple[str, Any]], on_event: IncomingHandler
    ) -> None:
        """Rooms side by side, each room's events in order (a dialog needs its order).

        All of them are done before the token moves on; the first failure is raised.
        """
        by_room: dict[str, list[Any]] = {}
        for room_id, event in events:
            by_room.setdefault(room_id, []).append(event)

        async def one_room(room_id: str, timeline: list[Any]) -> None:
            for event in timeline:
                await self.inbound.deliver(room_id, event, on_event)

        results = await asyncio.gather(
            *(one_room(room_id, timeline) for room_id, timeline in by_room.items()),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _sync(self, token: str | None, full_state: bool) -> nio.SyncResponse:
        """One sync; an unreachable or restarting homeserver is waited out, not fatal."""
        failures = 0
        while True:
            wait = 0 if full_state or token is None else self.timeout_ms
            try:
                response = await self.client.sync(
                    timeout=wait, since=token, full_state=full_state, sync_filter=SYNC_FILTER
                )
            except CONNECTION_ERRORS as error:
                response = error
            if isinstance(response, nio.SyncResponse):
                if failures:
                    log.info("homeserver is back after %d failed syncs", failures)
                return response
            if getattr(response, "status_code", None) == "M_UNKNOWN_TOKEN":
                await self.relogin()
                continue
            failures += 1
            log.warning("sync failed (%s); again in %.1f s", response, backoff(failures))
            await asyncio.sleep(backoff(failures))

    async def _timeline(self, response: nio.SyncResponse, token: str) -> list[tuple[str, Any]]:
        events: list[tuple[str, Any]] = []
        for room_id, info in response.rooms.join.items():
            timeline = list(info.timeline.events)
            joined_at = self._own_join(timeline)
            if joined_at is not None:
                # History before the bot joined is not for it, except in a direct chat,
                # where Element sends the first message before the bot accepts.
                if not await self.rooms.is_direct(room_id):
                    timeline = timeline[joined_at + 1 :]
            elif info.timeline.limited:
                timeline = await self._history(room_id, info.timeline.prev_batch, token) + timeline
            events += [(room_id, event) for event in timeline]
        return events

    async def _history(self, room_id: str, start: str, token: str) -> list[Any]:
        """The events between the old token and the start of a cut-short timeline."""
        found: list[Any] = []
        for _ in range(HISTORY_PAGES):
            page = await self.client.room_messages(
                room_id, start=start, end=token, direction=nio.MessageDirection.back, limit=100
            )
            if not isinstance(page, nio.RoomMessagesResponse):
                raise RuntimeError(f"reading the history of {room_id} failed: {page}")
            found += page.chunk
            if not page.chunk or not page.end or page.end == start:
                break
            start = page.end
        else:
            log.warning("more than %d pages missed in %s", HISTORY_PAGES, room_id)
        return list(reversed(found))

    def _own_join(self, timeline: list[Any]) -> int | None:
        for index in range(len(timeline) - 1, -1, -1):
            event = timeline[index]
            if (
                isinstance(event, nio.RoomMemberEvent)
                and event.state_key == self.client.user_id
                and event.membership == "join"
                and event.prev_membership != "join"
            ):
                return index
        return None

    async def _partners_who_left(self, response: nio.SyncResponse) -> None:
        """When the person leaves a direct chat, the bot leaves too and stops writing."""
        for room_id, info in response.rooms.join.items():
            for event in info.timeline.events:
                if (
                    isinstance(event, nio.RoomMemberEvent)
                    and event.membership in ("leave", "ban")
                    and event.state_key != self.client.user_id
                    and await self.rooms.is_direct(room_id)
                ):
                    await asyncio.to_thread(self.store.mark_unreachable, event.state_key)
                    await self.client.room_leave(room_id)


def backoff(failures: int) -> float:
    return min(BACKOFF_CAP_S, BACKOFF_START_S * 2.0 ** max(0, failures - 1))
