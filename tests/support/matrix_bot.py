"""The bot on Matrix for end-to-end tests, and young people talking to it with nio clients.

Tests take the fixtures of ``tests/e2e/conftest.py``::

    async def test_consent(matrix_bot: MatrixBot, young: NewYoung) -> None:
        ana = young("ana", encrypted=True)       # a fresh account with its nio client
        room = await greeted(ana)                # a direct chat, the bot in it, greeting read
        await ana.say(room, "!start")
        assert "!consent de" in (await ana.replies(room))[0]

`start_bot` starts the bot with other Matrix settings, or again as the same account (a
restart); every bot started is stopped at teardown. Every wait is bounded; a timeout
names what did not arrive.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

import nio  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy import Engine

from bot.adapter import Adapter
from bot.bootstrap import App, bootstrap
from bot.matrix import MatrixAdapter, MatrixConfig
from bot.matrix.render import Renderer
from bot.runtime import run_bot
from bot.settings import Settings
from handlers.barcamp.camp_input import RoomInput, slots
from handlers.barcamp.camps import CampInput, create_camp
from handlers.core.i18n import catalogues
from handlers.core.registry import registry
from storage.core.shared_tables import Event
from storage.uow import UnitOfWork
from tests.support.synapse import LoggedInUser, RegisteredUser, SynapseServer, maintain_keys

WAIT_S = 20.0
PICKLE_KEY = "a test pickle key, not the default"
CLIENT_FILTER = {"room": {"timeline": {"limit": 100}}}
BOT_EVENT_TYPES = (
    "m.room.message",
    "org.matrix.msc3381.poll.start",
    "org.matrix.msc3381.poll.end",
)


@dataclass
class MatrixBot:
    app: App
    adapter: MatrixAdapter
    account: RegisteredUser
    task: asyncio.Task[None]

    @property
    def user_id(self) -> str:
        return self.account.user_id

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        self.app.engine.dispose()


def bot_config(server: SynapseServer, account: RegisteredUser, store_dir: Path) -> MatrixConfig:
    return MatrixConfig(
        homeserver=server.base_url,
        user_id=account.user_id,
        pickle_key=PICKLE_KEY,
        store_dir=store_dir,
        access_token=account.access_token,
        sync_timeout_ms=5_000,
    )


def matrix_adapter(
    server: SynapseServer, folder: Path, account: RegisteredUser, app: App, **config: Any
) -> MatrixAdapter:
    """The Matrix adapter of `app`, as the bot account, its key store under `folder`."""
    base = bot_config(server, account, folder / "bot-store")
    return MatrixAdapter(replace(base, **config), app.uow_factory, app.clock)


async def start_matrix_bot(
    server: SynapseServer,
    folder: Path,
    account: RegisteredUser | None = None,
    *,
    app: App | None = None,
    others: Mapping[str, Adapter] | None = None,
    **config: Any,
) -> MatrixBot:
    """The whole bot (store, router, outbox, Matrix adapter) running in this event loop.

    `app` and `others` run it on a test's own settings next to other platforms' adapters;
    `config` overrides the Matrix settings.
    """
    account = account or server.register_user()
    if app is None:
        settings = Settings(database_url=f"sqlite:///{folder / 'bot.sqlite3'}", _env_file=None)  # type: ignore[call-arg]
        app = bootstrap(settings)
    adapter = matrix_adapter(server, folder, account, app, **config)
    task = asyncio.create_task(run_bot(app, {**(others or {}), "matrix": adapter}))
    bot = MatrixBot(app, adapter, account, task)
    try:
        await wait_until(lambda: adapter.ready or task.done(), "the bot logs in")
        if task.done():
            await task  # raises what went wrong
            raise AssertionError("the bot stopped before it was ready")
    except BaseException:
        await bot.stop()  # no test owns it yet
        raise
    return bot


class StartBot(Protocol):
    """The `start_bot` fixture: starts the bot, stopped at teardown."""

    async def __call__(self, account: RegisteredUser | None = None, **config: Any) -> MatrixBot: ...


class NewYoung(Protocol):
    """The `young` fixture: a young person with a fresh account who talks to `matrix_bot`."""

    def __call__(self, name: str, *, encrypted: bool = False) -> Young: ...


async def wait_until(condition: Callable[[], object], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for: {what}")
        await asyncio.sleep(0.05)


@dataclass
class Young:
    """A young person on Matrix: creates rooms, writes, reacts, votes in polls, reads."""

    me: LoggedInUser
    bot_user_id: str
    # Every event the bot sent, per room, in order; `read` counts what a test consumed.
    from_bot: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    read: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def client(self) -> nio.AsyncClient:
        return self.me.client

    @property
    def user_id(self) -> str:
        return self.me.user.user_id

    async def direct_chat(self, encrypted: bool | None = None) -> str:
        """A direct chat with the bot as Element opens it; returns once the bot is in."""
        encrypted = self.client.olm is not None if encrypted is None else encrypted
        state = [nio.EnableEncryptionBuilder().as_dict()] if encrypted else []
        await self.sync()  # like any app: the device's keys are up before the first chat
        return await self._room_with_bot(
            is_direct=True, preset=nio.RoomPreset.trusted_private_chat, initial_state=state
        )

    async def group_room(self, name: str, members: list[Young]) -> str:
        """A named room with the bot and the others, all joined."""
        room_id = await self._room_with_bot(name=name, invite_more=[m.user_id for m in members])
        for member in members:
            await member.accept(room_id)
        await self.until(
            lambda: all(m.user_id in self.client.rooms[room_id].users for m in members),
            "everyone joined",
        )
        return room_id

    async def accept(self, room_id: str) -> None:
        await self.until(lambda: room_id in self.client.invited_rooms, f"an invite to {room_id}")
        joined = await self.client.join(room_id)
        assert isinstance(joined, nio.JoinResponse), joined
        await self.sync()

    async def say(self, room_id: str, text: str) -> str:
        content = {"msgtype": "m.text", "body": text}
        return await self.send(room_id, "m.room.message", content)

    async def send(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        sent = await self.client.room_send(
            room_id, event_type, content, ignore_unverified_devices=True
        )
        assert isinstance(sent, nio.RoomSendResponse), sent
        return str(sent.event_id)

    async def edit(self, room_id: str, event_id: str, text: str) -> str:
        """An edit as Element sends it: the new text in `m.new_content`, a `* ` fallback."""
        content = {
            "msgtype": "m.text",
            "body": f"* {text}",
            "m.new_content": {"msgtype": "m.text", "body": text},
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        }
        return await self.send(room_id, "m.room.message", content)

    async def react(self, room_id: str, event_id: str, key: str = "👍") -> str:
        relation = {"rel_type": "m.annotation", "event_id": event_id, "key": key}
        return await self.send(room_id, "m.reaction", {"m.relates_to": relation})

    async def answer_poll(self, room_id: str, poll_id: str, position: int) -> str:
        content = {
            "m.relates_to": {"rel_type": "m.reference", "event_id": poll_id},
            "org.matrix.msc3381.poll.response": {"answers": [f"option-{position}"]},
        }
        return await self.send(room_id, "org.matrix.msc3381.poll.response", content)

    async def replies(self, room_id: str, count: int = 1, timeout: float = WAIT_S) -> list[str]:
        """The bodies of the next `count` messages from the bot in the room."""
        events = await self.next_events(room_id, count, timeout)
        return [event.source["content"].get("body", "") for event in events]

    async def next_events(self, room_id: str, count: int = 1, timeout: float = WAIT_S) -> list[Any]:
        start = self.read[room_id]
        await self.until(
            lambda: len(self.from_bot[room_id]) >= start + count,
            f"{count} message(s) from the bot in {room_id}",
            timeout,
        )
        self.read[room_id] = start + count
        return self.from_bot[room_id][start : start + count]

    async def until(
        self, condition: Callable[[], object], what: str, timeout: float = WAIT_S
    ) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.user_id} waited {timeout} s for: {what}")
            await self.sync()

    async def sync(self) -> None:
        since = self.client.next_batch
        response = await self.client.sync(timeout=300, sync_filter=CLIENT_FILTER)
        assert isinstance(response, nio.SyncResponse), response
        if self.client.olm is not None:
            await maintain_keys(self.client)
        for room_id, info in response.rooms.join.items():
            events = list(info.timeline.events)
            if info.timeline.limited and since:
                events = await self._missed(room_id, info.timeline.prev_batch, since) + events
            for event in events:
                if getattr(event, "sender", None) == self.bot_user_id and _is_message(event):
                    self.from_bot[room_id].append(event)

    async def _missed(self, room_id: str, start: str, since: str) -> list[Any]:
        """What a cut-short timeline left out, as a client scrolling up would load it."""
        found: list[Any] = []
        while True:
            page = await self.client.room_messages(room_id, start=start, end=since, limit=500)
            assert isinstance(page, nio.RoomMessagesResponse), page
            found += page.chunk
            if not page.chunk or not page.end or page.end == start:
                return list(reversed(found))
            start = page.end

    async def _room_with_bot(self, invite_more: list[str] | None = None, **create: Any) -> str:
        created = await self.client.room_create(
            invite=[self.bot_user_id, *(invite_more or [])], **create
        )
        assert isinstance(created, nio.RoomCreateResponse), created
        room_id = str(created.room_id)
        await self.until(
            lambda: (
                room_id in self.client.rooms
                and self.bot_user_id in self.client.rooms[room_id].users
                and self.bot_user_id not in self.client.rooms[room_id].invited_users
            ),
            "the bot joins",
        )
        return room_id


def _is_message(event: Any) -> bool:
    """What the bot posts: notices, files, polls and their end (not joins or reactions)."""
    return event.source.get("type") in BOT_EVENT_TYPES


def t(key: str, language: str = "de", **values: object) -> str:
    """A text as the bot writes it on Matrix (`/cmd` becomes `!cmd`)."""
    return Renderer(registry.commands, catalogues()).bang_commands(
        catalogues().text(language, key, **values)
    )


async def greeted(person: Young, encrypted: bool | None = None) -> str:
    """A direct chat with the bot, its greeting (which offers `!start`) read; the room."""
    room = await person.direct_chat(encrypted)
    (greeting,) = await person.replies(room)
    assert "!start" in greeting
    return room


async def consented(person: Young, language: str = "de", encrypted: bool | None = None) -> str:
    """A direct chat with the bot: greeted, welcomed, agreed by command; returns the room."""
    room = await greeted(person, encrypted)
    await person.say(room, "!start")
    (welcome,) = await person.replies(room)
    assert f"!consent {language}" in welcome
    await person.say(room, f"!consent {language}")
    await person.replies(room)
    return room


def camp_of(engine: Engine, organiser_user_id: str, name: str) -> Event:
    """A camp set up in the store (as the CLI would) with this organiser."""
    day = date(2027, 6, 13)
    camp = CampInput(name, day, "Jugendhaus", [RoomInput("Aula", 60)], slots("10:00-10:45", day))
    with UnitOfWork(engine) as uow:
        person = uow.people.by_identity("matrix", organiser_user_id)
        assert person is not None, "the organiser must have written to the bot"
        assert person.id is not None
        event = create_camp(uow, camp, [person.id], datetime.now(UTC))
        assert event.id is not None
        return event
