"""Which rooms are direct chats, and a direct chat for people who have none yet.

A room is direct when the invite said so (`is_direct`, as Element sends it) or when the
bot opened it; the answer is kept in the store, since after a restart only the rooms
with news come back in a sync. Rooms we know nothing about count as direct when they
hold just the bot and one person.
"""

from __future__ import annotations

import asyncio
import logging

import nio  # type: ignore[import-untyped, unused-ignore]

from bot.matrix.store import MatrixStore, room_key

log = logging.getLogger(__name__)

DIRECT, GROUP = "direct", "group"


class Rooms:
    def __init__(self, client: nio.AsyncClient, store: MatrixStore) -> None:
        self.client = client
        self.store = store
        self._kinds: dict[str, str] = {}
        self._opening: dict[str, asyncio.Lock] = {}

    async def is_direct(self, room_id: str) -> bool:
        kind = self._kinds.get(room_id)
        if kind is None:
            kind = await asyncio.to_thread(self.store.get, room_key("kind", room_id))
        if kind is None:
            kind = self._guess(room_id)
        self._kinds[room_id] = kind
        return kind == DIRECT

    async def remember(self, room_id: str, direct: bool) -> None:
        kind = DIRECT if direct else GROUP
        self._kinds[room_id] = kind
        await asyncio.to_thread(self.store.put, room_key("kind", room_id), kind)

    async def direct_chat_with(self, user_id: str) -> str | None:
        """The person's direct chat; a new one (encrypted, they are invited) if there is none.

        Several messages for one person may ask at once: they all get the same room.
        """
        async with self._opening.setdefault(user_id, asyncio.Lock()):
            known = await asyncio.to_thread(self.store.direct_chat_of, user_id)
            return known or await self._open_direct_chat(user_id)

    async def _open_direct_chat(self, user_id: str) -> str | None:
        response = await self.client.room_create(
            is_direct=True,
            invite=[user_id],
            preset=nio.RoomPreset.trusted_private_chat,
            initial_state=[nio.EnableEncryptionBuilder().as_dict()],
        )
        if not isinstance(response, nio.RoomCreateResponse):
            log.warning("could not open a direct chat with %s: %s", user_id, response)
            return None
        room_id = str(response.room_id)
        await self.remember(room_id, direct=True)
        await asyncio.to_thread(self.store.remember_direct_chat, user_id, room_id)
        return room_id

    def partner_of(self, room_id: str) -> str | None:
        """The one other member of a direct chat, as far as the last sync tells."""
        room = self.client.rooms.get(room_id)
        if room is None:
            return None
        others = [user for user in room.users if user != self.client.user_id]
        return others[0] if len(others) == 1 else None

    def _guess(self, room_id: str) -> str:
        room = self.client.rooms.get(room_id)
        if room is not None and room.is_group and room.member_count <= 2:
            return DIRECT
        return GROUP
