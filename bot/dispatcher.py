"""Runs use cases off the event loop and delivers their replies on every platform."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from bot.adapter import Adapter
from handlers.messages import Incoming, PollAnswerEvent, Reply
from handlers.router import Router
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(
        self, router: Router, uow_factory: UnitOfWorkFactory, adapters: Mapping[str, Adapter]
    ) -> None:
        self.router = router
        self.uow_factory = uow_factory
        self.adapters = adapters

    async def on_event(self, incoming: Incoming) -> None:
        # The store is synchronous; a worker thread keeps the event loop answering.
        replies = await asyncio.to_thread(self.router.handle, incoming)
        for reply in replies:
            await self.deliver(incoming, reply)

    async def deliver(self, incoming: Incoming, reply: Reply) -> None:
        if reply.to_person is not None:
            await self.deliver_to_person(reply.to_person, reply)
        elif not isinstance(incoming, PollAnswerEvent):
            await self.adapters[incoming.chat.platform].send(incoming.chat.chat_id, reply)

    async def deliver_to_person(self, person_id: int, reply: Reply) -> None:
        """One message per platform the person uses; a person may use several."""
        for platform, user_id in await asyncio.to_thread(self._identities, person_id):
            adapter = self.adapters.get(platform)
            if adapter is None:
                continue
            chat_id = await adapter.private_chat_of(user_id)
            if chat_id is None:
                log.info("no direct chat with %s:%s yet", platform, user_id)
                continue
            await adapter.send(chat_id, reply)

    def _identities(self, person_id: int) -> list[tuple[str, str]]:
        with self.uow_factory() as uow:
            return [
                (identity.platform, identity.platform_user_id)
                for identity in uow.people.identities(person_id)
            ]
