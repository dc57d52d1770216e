"""Runs use cases off the event loop; their answers leave through the outbox."""

from __future__ import annotations

import asyncio

from bot.outbox import OutboxSender
from handlers.core.messages import ButtonPress, Incoming, IncomingText
from handlers.core.router import Router


class Dispatcher:
    def __init__(self, router: Router, sender: OutboxSender) -> None:
        self.router = router
        self.sender = sender

    async def on_event(self, incoming: Incoming) -> None:
        # The store is synchronous; a worker thread keeps the event loop answering.
        # The router queues the answers in the same transaction as the change, claimed
        # for sending when they can go out at once: then they go straight to the chat,
        # without a search through the outbox.
        chat = incoming.chat if isinstance(incoming, IncomingText | ButtonPress) else None
        direct = chat is not None and not self.sender.paused(chat.platform)
        handled = await asyncio.to_thread(self.router.process, incoming, direct)
        if chat is not None and handled.answers_claimed:
            await self.sender.deliver_claimed(chat.platform, chat.chat_id, handled.answers)
        if handled.more_queued or not handled.answers_claimed:
            # Not behind a running flush: this person's next event would wait for it.
            await self.sender.flush(wait=False)
