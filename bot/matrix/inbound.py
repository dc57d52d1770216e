"""From Matrix timeline events to the core's neutral events.

Messages (`!cmd`, `/cmd` and dialog answers), their edits (run in place of a message
that did nothing, such as a mistyped command), 👍 reactions and their removal in direct
chats, and answers to native polls. Events that cannot be decrypted yet (the room key
is still on its way) wait in the inbox and are tried again after every sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Collection
from dataclasses import replace
from typing import Any

import nio  # type: ignore[import-untyped, unused-ignore]

from bot.adapter import IncomingHandler
from bot.matrix import polls
from bot.matrix.reactions import ReactionVotes
from bot.matrix.rooms import Rooms
from bot.matrix.store import PLATFORM, MatrixStore
from handlers.core.messages import (
    Chat,
    ChatKind,
    Incoming,
    IncomingText,
    PollAnswerEvent,
    Sender,
    asks_group_admin,
    parse_command,
)

log = logging.getLogger(__name__)

ENCRYPTED = "encrypted"
COMMAND_PREFIX = "!"
# How long an undecryptable event waits for its key before we give up on it.
KEY_WAIT_S = 3600.0


def command_text(body: str) -> str:
    """The typed text without the quote Matrix puts in front of a reply."""
    if not body.startswith("> "):
        return body
    lines = body.split("\n")
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    return "\n".join(lines).strip()


def is_edit(content: dict[str, Any]) -> bool:
    relation = content.get("m.relates_to")
    return isinstance(relation, dict) and relation.get("rel_type") == "m.replace"


# Room versions in which the creator's power is only what `m.room.power_levels` says;
# from version 12 on, the room's creators rank above every power level.
LEGACY_ROOM_VERSIONS = frozenset(str(number) for number in range(1, 12))


def sends_state(state: list[dict[str, Any]], user_id: str) -> bool:
    """Whether the room's state (its events, as the homeserver lists them) lets the user
    send state events: a creator of a room of version 12 or later, or whose power level
    reaches `state_default`."""
    create = _state_content(state, "m.room.create")
    creators = {
        event.get("sender") for event in state if event.get("type") == "m.room.create"
    } | set(create.get("additional_creators") or ())
    if str(create.get("room_version", "1")) not in LEGACY_ROOM_VERSIONS and user_id in creators:
        return True
    levels = _state_content(state, "m.room.power_levels")
    users = levels.get("users")
    level = users.get(user_id) if isinstance(users, dict) else None
    if not isinstance(level, int):
        level = levels.get("users_default", 0)
    required = levels.get("state_default", 50)
    return isinstance(level, int) and isinstance(required, int) and level >= required


def _state_content(state: list[dict[str, Any]], event_type: str) -> dict[str, Any]:
    for event in state:
        if event.get("type") == event_type and event.get("state_key") == "":
            content = event.get("content")
            return content if isinstance(content, dict) else {}
    return {}


def edit_of(content: dict[str, Any]) -> tuple[str, str] | None:
    """(the edited event's id, the new text) of an edit that says both."""
    if not is_edit(content):
        return None
    original = content["m.relates_to"].get("event_id")
    new_content = content.get("m.new_content")
    body = new_content.get("body") if isinstance(new_content, dict) else None
    return (original, body) if isinstance(original, str) and isinstance(body, str) else None


class Inbound:
    def __init__(
        self,
        client: nio.AsyncClient,
        rooms: Rooms,
        store: MatrixStore,
        reactions: ReactionVotes,
        commands: Collection[str],
    ) -> None:
        self.client = client
        self.commands = commands
        self.rooms = rooms
        self.store = store
        self.reactions = reactions
        self.undecrypted: dict[str, dict[str, Any]] = {}

    async def load(self) -> None:
        for event_id, payload in await asyncio.to_thread(self.store.pending):
            if payload.get("kind") == ENCRYPTED:
                self.undecrypted[event_id] = payload

    async def deliver(self, room_id: str, event: Any, on_event: IncomingHandler) -> None:
        """Hand one timeline event to the core, if it means something to the bot."""
        if getattr(event, "sender", None) == self.client.user_id:
            return
        if isinstance(event, nio.MegolmEvent):
            await self._keep_undecrypted(room_id, event)
            return
        incoming = await self.translate(room_id, event)
        if incoming is not None:
            await on_event(incoming)

    async def translate(self, room_id: str, event: Any) -> Incoming | None:
        content = event.source.get("content", {})
        if isinstance(event, nio.RoomMessageText):
            return await self._text(room_id, event, content)
        if isinstance(event, nio.UnknownEvent) and polls.is_response(event.type):
            return self._poll_answer(room_id, event, content)
        if not await self.rooms.is_direct(room_id):
            return None  # reactions vote only in direct chats
        chat = Chat(PLATFORM, room_id, ChatKind.PRIVATE)
        if isinstance(event, nio.ReactionEvent):
            sender = self.sender(room_id, event.sender)
            return await self.reactions.reacted(
                sender, chat, event.event_id, event.reacts_to, event.key
            )
        if isinstance(event, nio.RedactionEvent):
            sender = self.sender(room_id, event.sender)
            return await self.reactions.taken_back(sender, chat, event.event_id, event.redacts)
        return None

    async def retry_undecrypted(self, on_event: IncomingHandler) -> None:
        """Events whose room key has arrived since; give up on those waiting too long."""
        for event_id, payload in list(self.undecrypted.items()):
            event = self._decrypt(payload)
            if event is None and time.time() - payload.get("since", 0) < KEY_WAIT_S:
                continue
            del self.undecrypted[event_id]
            if event is None:
                log.warning("giving up on event %s: its room key never came", event_id)
            incoming = None if event is None else await self.translate(payload["room"], event)
            if incoming is None:
                await asyncio.to_thread(self.store.claim, event_id)  # nothing for the core
            else:
                await on_event(incoming)

    def sender(self, room_id: str, user_id: str) -> Sender:
        room = self.client.rooms.get(room_id)
        user = room.users.get(user_id) if room is not None else None
        name = getattr(user, "display_name", None) or user_id.partition(":")[0].lstrip("@")
        return Sender(PLATFORM, user_id, name)

    async def _text(self, room_id: str, event: Any, content: dict[str, Any]) -> Incoming | None:
        edit = edit_of(content)
        if is_edit(content) and edit is None:
            return None  # an edit that does not say what it changed
        # The core runs an edit only in place of a message that did nothing: an edited
        # "!vote 3" never votes a second time.
        edited, body = edit or ("", event.body)
        text = command_text(body)
        direct = await self.rooms.is_direct(room_id)
        if not direct and not self._ours(text):
            return None  # in rooms, `!cmd` may well be meant for another bot
        if not direct and edited and parse_command(text) is None:
            return None  # people correcting what they said to each other
        chat = Chat(PLATFORM, room_id, ChatKind.PRIVATE if direct else ChatKind.GROUP)
        incoming = IncomingText(
            self.sender(room_id, event.sender),
            chat,
            text,
            message_id=event.event_id,
            external_id=event.event_id,
            command_prefix=COMMAND_PREFIX,
            edits=edited,
        )
        if asks_group_admin(incoming):
            admin = await self._may_change_room_state(room_id, event.sender)
            incoming = replace(incoming, sender=replace(incoming.sender, group_admin=admin))
        return incoming

    async def _may_change_room_state(self, room_id: str, user_id: str) -> bool:
        """A room's admins, as Matrix has them: who may send state events there. Asked of
        the homeserver: the client's copy of the state does not say who created the room,
        and creators hold the highest power in rooms of version 12 or later."""
        answer = await self.client.room_get_state(room_id)
        if not isinstance(answer, nio.RoomGetStateResponse):
            log.warning("no room state for %s: %s", room_id, answer)
            return False
        return sends_state(answer.events, user_id)

    def _ours(self, text: str) -> bool:
        """A command of ours, or no command at all (the core stays quiet on chatter)."""
        command = parse_command(text)
        return command is None or command.name in self.commands

    def _poll_answer(self, room_id: str, event: Any, content: dict[str, Any]) -> Incoming | None:
        answer = polls.response_of(content)
        if answer is None:
            return None
        poll_ref, positions = answer
        return PollAnswerEvent(
            self.sender(room_id, event.sender), poll_ref, positions, external_id=event.event_id
        )

    async def _keep_undecrypted(self, room_id: str, event: Any) -> None:
        payload = {"kind": ENCRYPTED, "room": room_id, "event": event.source, "since": time.time()}
        if await asyncio.to_thread(self.store.record, event.event_id, payload):
            self.undecrypted[event.event_id] = payload
            log.info("event %s waits for its room key", event.event_id)
            with contextlib.suppress(nio.LocalProtocolError):  # already requested
                await self.client.request_room_key(event)

    def _decrypt(self, payload: dict[str, Any]) -> Any | None:
        encrypted = nio.MegolmEvent.from_dict(payload["event"])
        encrypted.room_id = payload["room"]
        try:
            return self.client.decrypt_event(encrypted)
        except (nio.EncryptionError, ValueError):
            return None
