"""Our bot, in this process, against the loopback Bot API server; and people who use it.

    async with running_bot(telegram_api, sqlite_url) as bot:
        ana = Phone(telegram_api, bot, TgUser(1001, "Ana"))
        await ana.says("/start")
        await ana.presses("Einverstanden")

Every step waits until the update is handled and every answer it caused is delivered
(the outbox is empty), with a bounded timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.bootstrap import App, bootstrap
from bot.runtime import run_bot
from bot.settings import Settings
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.options import TelegramOptions
from bot.telegram.pacing import Limit, SendLimits
from bot.telegram.store import TelegramStore, external_id
from handlers.barcamp.camp_input import RoomInput, slots
from handlers.barcamp.camps import CampInput, create_camp
from handlers.core.config import PRIVACY_POLICY_VERSION
from storage.barcamp.camp_tables import Proposal, ProposalStatus, Vote
from storage.core.shared_tables import DeliveryStatus, InboxEvent, OutboxMessage, Role
from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.support.store import raw_session
from tests.support.telegram_api import BotAccount
from tests.support.telegram_updates import JSON, TgChat, TgUser

# Flow tests need no pacing to Telegram's limits; the delivery tests use the real ones.
QUICK_LIMITS = SendLimits(Limit(1000, 1.0), Limit(100, 1.0), Limit(100, 1.0))


def bot_settings(tg: BotAccount, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "telegram_token": tg.token,
        "telegram_api_url": tg.server.url,
        "telegram_bot_username": tg.username,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


@dataclass
class RunningBot:
    app: App
    adapter: TelegramAdapter
    task: asyncio.Task[None]

    def store(self) -> AbstractContextManager[Session]:
        """The bot's store, to look at its rows."""
        return raw_session(self.app.engine)

    def is_handled(self, update_id: int) -> bool:
        with self.store() as session:
            statement = select(InboxEvent.handled_at).where(
                InboxEvent.platform == "telegram", InboxEvent.external_id == external_id(update_id)
            )
            return session.exec(statement).first() is not None

    def undelivered(self) -> int:
        with self.store() as session:
            statement = select(func.count(col(OutboxMessage.id))).where(
                col(OutboxMessage.status).in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING])
            )
            return int(session.exec(statement).one())

    async def settled(self, update_id: int | None = None, timeout: float = 10.0) -> None:
        """Until `update_id` is handled, nothing waits in the outbox and every update is
        done with (a press's spinner stops only after its answers went out)."""
        deadline = time.monotonic() + timeout
        while True:
            handled = update_id is None or await asyncio.to_thread(self.is_handled, update_id)
            if (
                handled
                and await asyncio.to_thread(self.undelivered) == 0
                and not self.adapter.handling
            ):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"update {update_id} not settled within {timeout} s")
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def running_bot(
    tg: BotAccount,
    database_url: str,
    *,
    limits: SendLimits | None = QUICK_LIMITS,
    app: App | None = None,
    concurrency: int | None = None,
    **overrides: Any,
) -> AsyncIterator[RunningBot]:
    settings = bot_settings(tg, database_url, **overrides)
    app = app or bootstrap(settings)
    store = TelegramStore(app.uow_factory, app.clock)
    options = TelegramOptions.from_settings(settings)
    adapter = TelegramAdapter(
        options,
        store,
        limits=limits,
        concurrency=concurrency,
        on_username=app.learn_telegram_username,
    )
    polls_before = len(tg.calls("deleteWebhook"))
    task = asyncio.create_task(run_bot(app, {"telegram": adapter}))
    running = RunningBot(app, adapter, task)
    try:
        await _ready(tg, task, polls_before, webhook="telegram_webhook_url" in overrides)
        yield running
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        app.engine.dispose()


async def _ready(tg: BotAccount, task: asyncio.Task[None], polls: int, webhook: bool) -> None:
    def started(_: object) -> bool:
        if task.done():
            task.result()  # raises what stopped the bot
        if webhook:
            return tg.webhook() is not None
        return len(tg.calls("deleteWebhook")) > polls  # polling begins with it

    await tg.wait_for(started, timeout=15)


async def start_bot_process(
    tg: BotAccount, database_url: str, log: Path, **settings: str
) -> asyncio.subprocess.Process:
    """`barcamp-bot run` as its own process, configured like an operator would; output
    goes to `log`, the working folder is the log's. `settings`: more of them, e.g.
    `telegram_webhook_port="8001"` for BARCAMP_TELEGRAM_WEBHOOK_PORT."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BARCAMP_")}
    environment |= {
        "BARCAMP_DATABASE_URL": database_url,
        "BARCAMP_TELEGRAM_TOKEN": tg.token,
        "BARCAMP_TELEGRAM_API_URL": tg.server.url,
        "BARCAMP_TELEGRAM_BOT_USERNAME": tg.username,
        "BARCAMP_DATA_DIR": str(log.parent / "data"),
    }
    environment |= {f"BARCAMP_{name.upper()}": value for name, value in settings.items()}
    with log.open("ab") as output:
        return await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "run"),
            env=environment,
            cwd=log.parent,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )


class Phone:
    """A person on Telegram: writes, presses buttons and reads what the bot sent."""

    def __init__(self, tg: BotAccount, bot: RunningBot, user: TgUser) -> None:
        self.tg, self.bot, self.user = tg, bot, user
        self.chat_id = user.id
        tg.add_user(user)
        self._seen = len(self.messages())  # a phone picked up again shows only what is new

    async def says(self, text: str, *, chat: TgChat | None = None) -> list[JSON]:
        """Send a message (in our private chat unless `chat`); the new messages in it."""
        update_id = self.tg.inject_message(self.user, text, chat=chat)
        await self.bot.settled(update_id)
        return self.new_messages()

    async def opens_deep_link(self, payload: str) -> list[JSON]:
        """Tapped t.me/<bot>?start=PAYLOAD and then "Start": Telegram sends /start PAYLOAD."""
        update_id = self.tg.inject_start(self.user, payload)
        await self.bot.settled(update_id)
        return self.new_messages()

    async def presses(
        self, label: str, message: JSON | None = None, *, chat: TgChat | None = None
    ) -> list[JSON]:
        """Press the button `label` on `message` (default: the last one that has it, in our
        private chat unless `chat`); the new messages in our private chat."""
        target = message or last_with_button(
            chat_messages(self.tg, chat.id if chat else self.chat_id), label
        )
        chat_id = target["chat"]["id"]
        update_id = self.tg.inject_callback(self.user, chat_id, target["message_id"], button=label)
        await self.bot.settled(update_id)
        return self.new_messages()

    def messages(self) -> list[JSON]:
        """Every message the bot sent into our private chat, as it is now (after edits)."""
        return chat_messages(self.tg, self.chat_id)

    def new_messages(self) -> list[JSON]:
        every = self.messages()
        fresh, self._seen = every[self._seen :], len(every)
        return fresh

    def texts(self) -> list[str]:
        return [text_of(message) for message in self.messages()]

    def last_with_button(self, label: str) -> JSON:
        return last_with_button(self.messages(), label)


def chat_messages(tg: BotAccount, chat_id: int) -> list[JSON]:
    """Every message the bot sent into a chat, as it is now (after edits)."""
    sent = [call.result for call in tg.sends(chat_id)]
    current = [tg.message(chat_id, message["message_id"]) for message in sent]
    return [message for message in current if message is not None]


def last_with_button(messages: list[JSON], label: str) -> JSON:
    for message in reversed(messages):
        if label in button_labels(message):
            return message
    raise AssertionError(f"no message with a button {label!r}")


def text_of(message: JSON) -> str:
    return str(message.get("text") or message.get("caption") or "")


def button_labels(message: JSON) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


def button_data(message: JSON) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


# -- seeding the store directly, for tests and benchmarks of many people -------------------

PROPOSALS = 10


def join_people(
    engine: Engine, tg: BotAccount, code: str | None, users: list[TgUser]
) -> dict[int, int]:
    """People who started the bot, agreed and joined the camp `code` (if any): person id
    per user."""
    now = datetime.now(UTC)
    person_ids = {}
    with UnitOfWork(engine) as uow:
        event = uow.events.by_code(code) if code else None
        for user in users:
            tg.add_user(user)
            person = uow.people.create_with_identity("telegram", str(user.id), now)
            assert person.id is not None
            uow.channels.touch("telegram", str(user.id), str(user.id))
            uow.people.give_consent(person.id, PRIVACY_POLICY_VERSION, now)
            person.display_name, person.language = user.first_name, "de"
            if event is not None and event.id is not None:
                uow.events.join(event.id, person.id, Role.PARTICIPANT, now)
                person.active_event_id = event.id
            person_ids[user.id] = person.id
    return person_ids


CAMP_NAME = "Jugend-BarCamp Musterstadt"


def seed_camp(database_url: str, tg: BotAccount, organiser: TgUser | None = None) -> str:
    """A migrated store with a camp of approved proposals and a budget that never refuses
    a toggle; `organiser` has agreed and runs it. Its join code."""
    app = bootstrap(bot_settings(tg, database_url))
    now = app.clock.now()
    try:
        organisers = (
            [] if organiser is None else [*join_people(app.engine, tg, None, [organiser]).values()]
        )
        with UnitOfWork(app.engine) as uow:
            day = now.date()
            rooms = [RoomInput("Aula", 60)]
            camp = CampInput(CAMP_NAME, day, "Aula", rooms, slots("10:00-11:00", day))
            event = create_camp(uow, camp, organisers, now)
            assert event.id is not None
            uow.camp_settings.of(event.id).vote_budget = PROPOSALS
            for number in range(1, PROPOSALS + 1):
                title = f"Thema {number}"
                status = ProposalStatus.APPROVED
                uow.proposals.add(
                    Proposal(
                        event_id=event.id, number=0, title=title, status=status, created_at=now
                    )
                )
            for person_id in organisers:
                person = uow.people.get(person_id)
                assert person is not None
                person.active_event_id = event.id
            return event.code
    finally:
        app.engine.dispose()


def seed_voting_camp(database_url: str, tg: BotAccount, users: list[TgUser]) -> dict[int, int]:
    """`seed_camp` with `users` in it: person id per user."""
    code = seed_camp(database_url, tg)
    engine = make_engine(database_url)
    try:
        return join_people(engine, tg, code, users)
    finally:
        engine.dispose()


async def post_ballots(tg: BotAccount, users: list[TgUser]) -> dict[int, int]:
    """A ballot with vote buttons in each private chat, sent as the bot: message ids."""
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(f"Thema {n}", callback_data=f"vote {n}")]
            for n in range(1, PROPOSALS + 1)
        ]
    )
    ballots = {}
    async with tg.make_bot() as bot:
        for user in users:
            tg.add_user(user)
            sent = await bot.send_message(user.id, "Stimmzettel", reply_markup=keyboard)
            ballots[user.id] = sent.message_id
    return ballots


def expected_votes(
    presses: list[tuple[int, int]], person_ids: dict[int, int]
) -> set[tuple[int, int]]:
    """(person, proposal number) left voted by toggle presses (user id, number)."""
    return {
        (person_ids[user_id], number)
        for (user_id, number), count in Counter(presses).items()
        if count % 2 == 1
    }


def stored_votes(database_url: str) -> set[tuple[int, int]]:
    engine = make_engine(database_url)
    try:
        with raw_session(engine) as session:
            numbers = {p.id: p.number for p in session.exec(select(Proposal))}
            return {(v.person_id, numbers[v.proposal_id]) for v in session.exec(select(Vote))}
    finally:
        engine.dispose()
