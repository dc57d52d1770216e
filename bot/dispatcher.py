"""Runs use cases off the event loop; their answers leave through the outbox."""

from __future__ import annotations

import asyncio

from bot.outbox import OutboxSender
from handlers.messages import Incoming
from handlers.router import Router


class Dispatcher:
    def __init__(self, router: Router, sender: OutboxSender) -> None:
        self.router = router
        self.sender = sender

    async def on_event(self, incoming: Incoming) -> None:
        # The store is synchronous; a worker thread keeps the event loop answering.
        # The router queues the answers in the same transaction as the change.
        await asyncio.to_thread(self.router.handle, incoming)
        await self.sender.flush()
