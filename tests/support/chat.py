"""A fake adapter and simulated people: drive the real router and dispatcher in tests."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bot.adapter import IncomingHandler
from bot.bootstrap import App
from bot.dispatcher import Dispatcher
from bot.outbox import OutboxSender
from handlers.core.messages import ButtonPress, Chat, ChatKind, IncomingText, Reply, Sender

PLATFORM = "fake"


class FakeAdapter:
    """Implements the Adapter port and records every reply per chat."""

    platform = PLATFORM
    idempotent_sends = True

    def __init__(self) -> None:
        self.sent: dict[str, list[Reply]] = defaultdict(list)

    async def start(self, on_event: IncomingHandler) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, chat_id: str, reply: Reply, delivery_id: int = 0) -> str | None:
        self.sent[chat_id].append(reply)
        return f"m{delivery_id}"

    async def private_chat_of(self, platform_user_id: str) -> str | None:
        return f"dm-{platform_user_id}"


@dataclass
class Person:
    """A simulated young person in a private chat with the bot."""

    dispatcher: Dispatcher
    adapter: FakeAdapter
    name: str
    language_hint: str | None = "de"
    user_id: str = ""
    seen: int = field(default=0)

    def __post_init__(self) -> None:
        self.user_id = self.user_id or self.name.casefold()

    @property
    def chat(self) -> Chat:
        return Chat(PLATFORM, f"dm-{self.user_id}", ChatKind.PRIVATE)

    @property
    def sender(self) -> Sender:
        return Sender(PLATFORM, self.user_id, self.name, self.language_hint)

    async def says(self, text: str) -> list[Reply]:
        """Send a message; return what arrived in this person's chat since last time."""
        await self.dispatcher.on_event(IncomingText(self.sender, self.chat, text))
        return self.new_replies()

    async def press(self, data: str) -> list[Reply]:
        await self.dispatcher.on_event(ButtonPress(self.sender, self.chat, data))
        return self.new_replies()

    async def text(self, message: str) -> str:
        """Send a message; return the replies joined as one text."""
        return "\n".join(reply.text for reply in await self.says(message))

    async def joins(self, code: str, language: str = "de") -> None:
        await self.says("/start")
        await self.press(f"consent {language}")
        await self.says(f"/join {code}")

    def new_replies(self) -> list[Reply]:
        replies = self.adapter.sent[self.chat.chat_id]
        fresh, self.seen = replies[self.seen :], len(replies)
        return fresh


class FakePlatform:
    """One store, one fake platform with its dispatcher and outbox sender, and people on it."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.adapter = FakeAdapter()
        sender = OutboxSender(app.uow_factory, {self.adapter.platform: self.adapter}, app.clock)
        self.dispatcher = Dispatcher(app.router, sender)

    def person(self, name: str) -> Person:
        return Person(self.dispatcher, self.adapter, name)
