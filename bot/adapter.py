"""The port every platform implements: Telegram, Matrix and the console."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from handlers.core.messages import Incoming, Reply

# What an adapter calls with each incoming event; returns once it is handled and answered.
IncomingHandler = Callable[[Incoming], Awaitable[None]]


class RetryAfter(Exception):
    """The platform asked us to wait (HTTP 429); the message was not delivered."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Unreachable(Exception):
    """The person blocked the bot or left: skip them until they write again."""


class Adapter(Protocol):
    platform: str
    # True where a resend after a crash cannot duplicate (Matrix transaction ids).
    idempotent_sends: bool

    async def start(self, on_event: IncomingHandler) -> None:
        """Connect and feed incoming events to `on_event` until stopped."""
        ...

    async def stop(self) -> None: ...

    async def send(self, chat_id: str, reply: Reply, delivery_id: int) -> str | None:
        """Deliver one reply into a chat, paced to the platform's limits.

        Returns the platform's message id. Raises RetryAfter or Unreachable; any other
        exception counts as a failed attempt. `delivery_id` is stable across retries.
        """
        ...

    async def private_chat_of(self, platform_user_id: str) -> str | None:
        """The chat in which to reach a person directly, if there is one."""
        ...
