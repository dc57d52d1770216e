"""The port every platform implements: Telegram, Matrix and the console."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from handlers.messages import Incoming, Reply

# What an adapter calls with each incoming event; returns once it is handled and answered.
IncomingHandler = Callable[[Incoming], Awaitable[None]]


class Adapter(Protocol):
    platform: str

    async def start(self, on_event: IncomingHandler) -> None:
        """Connect and feed incoming events to `on_event` until stopped."""
        ...

    async def stop(self) -> None: ...

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver one reply into a chat on this platform."""
        ...

    async def private_chat_of(self, platform_user_id: str) -> str | None:
        """The chat id in which to reach a person directly, if there is one."""
        ...
