"""Sending events: deterministic transaction ids, 429 answers, pacing per room.

A transaction id is made from the outbox row, so a send retried after a timeout or a
crash is the same transaction to the homeserver, which answers with the event it
already has instead of posting the message twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import nio  # type: ignore[import-untyped, unused-ignore]

from bot.adapter import RetryAfter, Unreachable
from handlers.core.messages import WidgetSpec

log = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER_S = 5.0
BACKOFF_START_S, BACKOFF_CAP_S = 1.0, 60.0
# Codes that say the bot may not post in this room (left, kicked, never joined).
GONE = {"M_FORBIDDEN", "M_NOT_FOUND"}
CONNECTION_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)
# The state event Element reads a room's widgets from.
WIDGET_EVENT = "im.vector.modular.widgets"


class SendFailed(Exception):
    """The homeserver refused the event; the outbox counts a failed attempt."""


class RoomNotReady(SendFailed):
    """The room is not synced yet (just created or joined); try again a little later."""


def transaction_id(salt: str, delivery_id: int, part: int, content: dict[str, Any]) -> str:
    """Stable across retries of one outbox row; the fingerprint guards against a reused id."""
    fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:10]
    return f"bc{salt}-{delivery_id}-{part}-{fingerprint}"


class RoomPacer:
    """A token bucket per room: a burst goes out at once, then `per_second` at most.

    The burst defaults to two seconds' worth, so a conversation never waits.
    """

    def __init__(
        self,
        per_second: float,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.burst = burst or max(1, round(2 * per_second))
        self.clock = clock
        self._tokens: dict[str, tuple[float, float]] = {}  # room -> (tokens, at)
        self._locks: dict[str, asyncio.Lock] = {}

    def delay(self, room_id: str) -> float:
        """Take a token; the seconds to wait before sending (0 within the burst)."""
        now = self.clock()
        tokens, at = self._tokens.get(room_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.per_second) - 1.0
        self._tokens[room_id] = (tokens, now)
        return max(0.0, -tokens / self.per_second)

    async def wait(self, room_id: str) -> None:
        async with self._locks.setdefault(room_id, asyncio.Lock()):
            wait = self.delay(room_id)
            if wait > 0:
                await asyncio.sleep(wait)


class EventSender:
    def __init__(self, client: nio.AsyncClient, pacer: RoomPacer) -> None:
        self.client = client
        self.pacer = pacer
        self._failures = 0

    async def send(
        self, room_id: str, event_type: str, content: dict[str, Any], txn: str, paced: bool
    ) -> str:
        """Post one event; returns its event id. Raises RetryAfter, Unreachable, SendFailed.

        Rooms with many people are paced; a direct chat gets at once what the person
        asked for (a proposal list is many messages).
        """
        self._check_known(room_id)
        if paced:
            await self.pacer.wait(room_id)
        try:
            response = await self.client.room_send(
                room_id, event_type, content, tx_id=txn, ignore_unverified_devices=True
            )
        except CONNECTION_ERRORS as error:
            raise RetryAfter(self._backoff(error)) from error
        return self._event_id(response)

    async def put_widget(self, room_id: str, widget: WidgetSpec) -> bool:
        """The page as a room widget (`im.vector.modular.widgets`, what Element shows).

        Needs the room's power level for state events; without it the room keeps the
        reply's text, which says how to add the widget by hand. Sending it again is
        harmless: the same state key replaces the widget.
        """
        content = {
            "type": "m.custom",
            "id": widget.widget_id,
            "name": widget.name,
            "url": widget.url,
            "creatorUserId": self.client.user_id,
            "data": {"title": widget.name},
        }
        try:
            response = await self.client.room_put_state(
                room_id, WIDGET_EVENT, content, state_key=widget.widget_id
            )
        except CONNECTION_ERRORS as error:
            raise RetryAfter(self._backoff(error)) from error
        if isinstance(response, nio.RoomPutStateResponse):
            return True
        log.warning("widget not added to %s: %s", room_id, getattr(response, "message", response))
        return False

    def unreachable_server(self, error: BaseException) -> RetryAfter:
        return RetryAfter(self._backoff(error))

    def _event_id(self, response: Any) -> str:
        if isinstance(response, nio.RoomSendResponse):
            self._failures = 0
            return str(response.event_id)
        code = getattr(response, "status_code", None)
        if code == "M_LIMIT_EXCEEDED":
            wait_ms = getattr(response, "retry_after_ms", None)
            raise RetryAfter(float(wait_ms) / 1000 if wait_ms else DEFAULT_RETRY_AFTER_S)
        if code in GONE:
            raise Unreachable(f"{code}: {getattr(response, 'message', '')}")
        raise SendFailed(f"{code}: {getattr(response, 'message', response)}")

    def _backoff(self, error: BaseException) -> float:
        """The homeserver is down or unreachable: wait longer each time, up to a minute."""
        self._failures += 1
        seconds = min(BACKOFF_CAP_S, BACKOFF_START_S * 2.0 ** (self._failures - 1))
        log.warning("homeserver unreachable (%r); sending again in %.0f s", error, seconds)
        return seconds

    def _check_known(self, room_id: str) -> None:
        """An encrypted send needs the room's members from a sync; a new room has none yet.

        Waiting here would hold up the sync that brings them, so the outbox tries again.
        """
        if room_id not in self.client.rooms:
            raise RoomNotReady(f"room {room_id} not synced yet")
