"""Invites: join rooms we are invited to (optionally only from some homeservers), greet.

The greeting waits for the first sync of the joined room (an encrypted room needs its
members first) and is kept in the inbox until sent, so a restart in between still
greets, and the transaction id makes sure it is posted once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import nio  # type: ignore[import-untyped, unused-ignore]

from bot.matrix.rooms import Rooms
from bot.matrix.store import MatrixStore
from handlers.core.i18n import LANGUAGES, Catalogues

log = logging.getLogger(__name__)

GREETING_PREFIX = "greet:"


def server_of(user_id: str) -> str:
    return user_id.partition(":")[2].lower()


def invite_allowed(inviter: str | None, servers: tuple[str, ...]) -> bool:
    return not servers or (inviter is not None and server_of(inviter) in servers)


def invitation(invite_state: Iterable[Any], bot_user_id: str) -> tuple[str | None, bool]:
    """Who invited the bot, and whether they asked for a direct chat."""
    for event in invite_state:
        if (
            isinstance(event, nio.InviteMemberEvent)
            and event.state_key == bot_user_id
            and event.membership == "invite"
        ):
            return event.sender, bool(event.content.get("is_direct"))
    return None, False


def greeting(texts: Catalogues, first_language: str, direct: bool) -> str:
    """Both languages (the default first): we do not know the person's yet."""
    key = "matrix.greeting_direct" if direct else "matrix.greeting_room"
    order = [first_language, *(lang for lang in LANGUAGES if lang != first_language)]
    return "\n\n".join(texts.text(language, key) for language in order)


class Invites:
    def __init__(
        self, client: nio.AsyncClient, rooms: Rooms, store: MatrixStore, servers: tuple[str, ...]
    ) -> None:
        self.client = client
        self.rooms = rooms
        self.store = store
        self.servers = servers
        # Joined rooms still to greet: room id -> direct.
        self.greetings: dict[str, bool] = {}

    async def load(self) -> None:
        for external_id, payload in await asyncio.to_thread(self.store.pending):
            if external_id.startswith(GREETING_PREFIX):
                self.greetings[external_id.removeprefix(GREETING_PREFIX)] = bool(
                    payload.get("direct")
                )

    async def accept(self, invites: dict[str, Any]) -> None:
        for room_id, info in invites.items():
            inviter, direct = invitation(info.invite_state, self.client.user_id)
            if not invite_allowed(inviter, self.servers):
                log.info("declining the invite of %s to %s", inviter, room_id)
                await self.client.room_leave(room_id)
                continue
            response = await self.client.join(room_id)
            if not isinstance(response, nio.JoinResponse):
                log.warning("could not join %s: %s", room_id, response)
                continue
            await self.rooms.remember(room_id, direct)
            payload = {"direct": direct}
            await asyncio.to_thread(self.store.record, GREETING_PREFIX + room_id, payload)
            self.greetings[room_id] = direct

    def due(self, synced_rooms: Iterable[str]) -> list[tuple[str, bool]]:
        """Greetings whose room has now been synced."""
        return [(room, self.greetings[room]) for room in synced_rooms if room in self.greetings]

    async def greeted(self, room_id: str) -> None:
        self.greetings.pop(room_id, None)
        # Sent once with its own transaction id: the room is not kept any longer.
        await asyncio.to_thread(self.store.drop, GREETING_PREFIX + room_id)
