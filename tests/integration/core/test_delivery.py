"""Inbox and outbox: each event handled once, each message delivered at most once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.adapter import RetryAfter, Unreachable
from bot.bootstrap import App
from bot.outbox import MAX_ATTEMPTS, OutboxSender
from handlers.core.messages import (
    Button,
    Chat,
    IncomingText,
    PollSpec,
    Refresh,
    Reply,
    Sender,
    ShownItems,
)
from handlers.core.outbox_replies import enqueue_for_person, enqueue_replies
from schedules.core.clock import ManualClock
from storage.core.inbox_outbox import NewMessage
from storage.core.shared_tables import DeliveryStatus, Identity, MessageRef, OutboxMessage
from storage.uow import UnitOfWork
from tests.support.chat import FakeAdapter
from tests.support.store import raw_session

MakeApp = Callable[[str], App]
JSON = dict[str, Any]


class ScriptedAdapter(FakeAdapter):
    """Fails the next sends as told: an exception (instance) per call, then succeeds."""

    def __init__(self, platform: str = "fake", idempotent: bool = True) -> None:
        super().__init__()
        self.platform = platform
        self.idempotent_sends = idempotent
        self.failures: list[Exception] = []
        self.attempts = 0

    async def send(self, chat_id: str, reply: Reply, delivery_id: int = 0) -> str | None:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        return await super().send(chat_id, reply, delivery_id)


def text_from(user: str, text: str, external_id: str = "", platform: str = "fake") -> IncomingText:
    return IncomingText(
        Sender(platform, user, user.title(), "de"),
        Chat(platform, f"dm-{user}"),
        text,
        external_id=external_id,
    )


def statuses(app: App) -> list[DeliveryStatus]:
    with raw_session(app.engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [row.status for row in rows]


async def consented(app: App, sender: OutboxSender, user: str, platform: str = "fake") -> None:
    app.router.handle(text_from(user, "/consent de", platform=platform))
    await sender.flush()


async def test_an_event_id_is_handled_once(app: App) -> None:
    adapter = ScriptedAdapter()
    sender = OutboxSender(app.uow_factory, {"fake": adapter}, app.clock)
    await consented(app, sender, "ana")
    app.router.handle(text_from("ana", "/newcamp", external_id="update:7"))
    first = app.router.handle(text_from("ana", "Camp Eins", external_id="update:8"))
    again = app.router.handle(text_from("ana", "Camp Eins", external_id="update:8"))
    assert first
    assert again == []
    await sender.flush()
    assert len(adapter.sent["dm-ana"]) == 3  # consent, the name question, the date question


async def test_retry_after_postpones_and_delivers_exactly_once(
    app: App, clock: ManualClock
) -> None:
    adapter = ScriptedAdapter()
    sender = OutboxSender(app.uow_factory, {"fake": adapter}, clock)
    adapter.failures = [RetryAfter(0.05)]
    await consented(app, sender, "ana")
    assert adapter.sent["dm-ana"] == []
    assert statuses(app) == [DeliveryStatus.PENDING]
    await sender.flush()  # still paused and not yet due: nothing happens
    assert adapter.attempts == 1
    clock.advance(timedelta(seconds=1))
    await asyncio.sleep(0.06)
    assert await sender.flush() == 1
    assert await sender.flush() == 0
    assert len(adapter.sent["dm-ana"]) == 1
    assert statuses(app) == [DeliveryStatus.SENT]


async def test_a_blocked_person_is_marked_and_skipped(app: App) -> None:
    adapter = ScriptedAdapter()
    sender = OutboxSender(app.uow_factory, {"fake": adapter}, app.clock)
    await consented(app, sender, "ana")
    with UnitOfWork(app.engine) as uow:
        person = uow.people.by_identity("fake", "ana")
        assert person is not None
        assert person.id is not None
        person_id = person.id
        enqueue_for_person(uow, person_id, Reply("Ankündigung"), app.clock.now(), 0)
    adapter.failures = [Unreachable("blocked")]
    await sender.flush()
    assert statuses(app)[-1] == DeliveryStatus.SKIPPED
    with raw_session(app.engine) as session:
        assert session.exec(select(Identity)).one().unreachable_at is not None
    with UnitOfWork(app.engine) as uow:
        assert enqueue_for_person(uow, person_id, Reply("Noch eine"), app.clock.now(), 0) == 0
    # Writing to the bot again makes the person reachable again.
    app.router.handle(text_from("ana", "/help"))
    with raw_session(app.engine) as session:
        assert session.exec(select(Identity)).one().unreachable_at is None


async def test_failures_back_off_and_give_up(app: App, clock: ManualClock) -> None:
    adapter = ScriptedAdapter()
    adapter.failures = [ConnectionError("down")] * MAX_ATTEMPTS
    sender = OutboxSender(app.uow_factory, {"fake": adapter}, clock)
    await consented(app, sender, "ana")
    for _ in range(MAX_ATTEMPTS - 1):
        assert statuses(app) == [DeliveryStatus.PENDING]
        clock.advance(timedelta(minutes=10))
        await sender.flush()
    assert statuses(app) == [DeliveryStatus.FAILED]
    assert adapter.attempts == MAX_ATTEMPTS


@pytest.mark.parametrize(("idempotent", "expected"), [(True, 1), (False, 0)])
async def test_recovery_after_a_crash_during_a_send(
    app: App, idempotent: bool, expected: int
) -> None:
    app.router.handle(text_from("ana", "/consent de"))
    with raw_session(app.engine) as session:  # the crash: marked sending, never finished
        (message,) = session.exec(select(OutboxMessage)).all()
        message.status = DeliveryStatus.SENDING
        session.add(message)
    adapter = ScriptedAdapter(idempotent=idempotent)
    sender = OutboxSender(app.uow_factory, {"fake": adapter}, app.clock)
    sender.recover()
    await sender.flush()
    assert len(adapter.sent["dm-ana"]) == expected


async def test_two_senders_on_one_store_never_send_twice(make_app: MakeApp, store_url: str) -> None:
    app = make_app(store_url)
    adapters = [ScriptedAdapter(), ScriptedAdapter()]
    senders = [OutboxSender(app.uow_factory, {"fake": a}, app.clock) for a in adapters]
    for number in range(30):
        app.router.handle(text_from(f"user{number}", "/help"))
    await asyncio.gather(*(sender.flush() for sender in senders))
    delivered = [chat for a in adapters for chat, replies in a.sent.items() for _ in replies]
    assert sorted(delivered) == sorted(f"dm-user{n}" for n in range(30))


async def test_a_notice_reaches_every_platform_of_a_person(app: App) -> None:
    telegram, matrix = ScriptedAdapter("telegram"), ScriptedAdapter("matrix")
    sender = OutboxSender(app.uow_factory, {"telegram": telegram, "matrix": matrix}, app.clock)
    await consented(app, sender, "ana", platform="telegram")
    with UnitOfWork(app.engine) as uow:
        person = uow.people.by_identity("telegram", "ana")
        assert person is not None
        assert person.id is not None
    with raw_session(app.engine) as session:
        session.add(Identity(platform="matrix", platform_user_id="@ana:hs", person_id=person.id))
    with UnitOfWork(app.engine) as uow:
        assert enqueue_for_person(uow, person.id, Reply("Hallo"), app.clock.now(), 5) == 2
    await sender.flush()
    assert [r.text for r in telegram.sent["dm-ana"]][-1] == "Hallo"
    assert [r.text for r in matrix.sent["dm-@ana:hs"]] == ["Hallo"]


async def test_a_reply_that_shows_a_proposal_is_remembered(app: App) -> None:
    adapter = ScriptedAdapter()
    sender = OutboxSender(app.uow_factory, {"fake": adapter}, app.clock)
    with UnitOfWork(app.engine) as uow:
        enqueue_replies(
            uow,
            Chat("fake", "room-1"),
            [Reply("1. Skatepark", shows=("proposal", 1))],
            app.clock.now(),
        )
    await sender.flush()
    with raw_session(app.engine) as session:
        ref = session.exec(select(MessageRef)).one()
        assert (ref.chat_id, ref.kind, ref.object_id) == ("room-1", "proposal", 1)
        assert ref.message_id.startswith("m")


class HeldAdapter(FakeAdapter):
    """Holds every send to one chat until released, like pacing a long announcement."""

    def __init__(self, held_chat: str) -> None:
        super().__init__()
        self.held_chat = held_chat
        self.release = asyncio.Event()

    async def send(self, chat_id: str, reply: Reply, delivery_id: int = 0) -> str | None:
        if chat_id == self.held_chat:
            await self.release.wait()
        return await super().send(chat_id, reply, delivery_id)


async def test_an_event_does_not_wait_behind_a_running_flush(app: App) -> None:
    adapter = HeldAdapter("group-1")
    sender = OutboxSender(app.uow_factory, {"fake": adapter}, app.clock)
    with UnitOfWork(app.engine) as uow:
        enqueue_replies(uow, Chat("fake", "group-1"), [Reply("Ankündigung")], app.clock.now())
    running = asyncio.create_task(sender.flush())  # the run loop, pacing the group
    await asyncio.sleep(0.1)
    with UnitOfWork(app.engine) as uow:
        enqueue_replies(uow, Chat("fake", "dm-ana"), [Reply("Hinweis")], app.clock.now())
    # An event that queued a notice returns at once, leaving it to the running flush ...
    assert await asyncio.wait_for(sender.flush(wait=False), timeout=1) == 0
    assert not running.done()
    # ... which sends it once the held send is through.
    adapter.release.set()
    assert await asyncio.wait_for(running, timeout=5) == 2
    assert [r.text for r in adapter.sent["dm-ana"]] == ["Hinweis"]
    assert [r.text for r in adapter.sent["group-1"]] == ["Ankündigung"]


def test_answers_claimed_when_queued_are_stored_as_being_sent(
    make_app: MakeApp, store_url: str
) -> None:
    app = make_app(store_url)
    handled = app.router.process(text_from("ana", "/help"), claim_answers=True)
    assert handled.answers_claimed
    assert handled.answers
    with raw_session(app.engine) as session:
        stored = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(row.id, row.status, row.attempts) for row in stored] == [
        (message_id, DeliveryStatus.SENDING, 1) for message_id, _ in handled.answers
    ]
    assert [row.payload["text"] for row in stored] == [reply.text for _, reply in handled.answers]


TYPED = Reply(
    "1. A\n2. B",
    buttons=((Button("☐ 1 · A", "vote 1"),), (Button("✅ 2 · B", "vote 2"),)),
    refresh=Refresh("41", "update:7", "✅ Stimme für 2"),
    items=ShownItems("proposal", (11, 12)),
)
CLOSING = Reply("Ergebnis", poll=PollSpec(3, "Pizza?", (), closed=True, poll_ref="5012"))


@pytest.mark.parametrize("reply", [TYPED, CLOSING, Reply("Hallo")])
async def test_a_queued_reply_is_delivered_with_its_typed_hints(app: App, reply: Reply) -> None:
    adapter = ScriptedAdapter()
    sender = OutboxSender(app.uow_factory, {"fake": adapter}, app.clock)
    with UnitOfWork(app.engine) as uow:
        enqueue_replies(uow, Chat("fake", "dm-ana"), [reply], app.clock.now())
    await sender.flush()
    assert adapter.sent["dm-ana"] == [reply]


def old_row(text: str, extra: dict[str, str], poll: JSON | None = None) -> JSON:
    """A row as the version before the typed hints queued it: the hints in "extra"."""
    buttons = [[["☐ 1 · A", "vote 1"]], [["✅ 2 · B", "vote 2"]]] if "item_ids" in extra else []
    return {
        "text": text,
        "buttons": buttons,
        "shows": None,
        "private": False,
        "extra": extra,
        "poll": poll,
    }


OLD_BALLOT = {
    "edit": "41",
    "press": "update:7",
    "notice": "✅ Stimme für 2",
    "item_kind": "proposal",
    "item_ids": "11,12",
}
OLD_POLL = {"poll_id": 3, "question": "Pizza?", "options": [], "anonymous": True, "closed": True}
OLD_ROWS = [
    (old_row(TYPED.text, OLD_BALLOT), TYPED),
    (old_row(TYPED.text, OLD_BALLOT | {"item_ids": "11,x"}), replace(TYPED, items=None)),
    (old_row("Ergebnis", {"poll_message_id": "5012"}, OLD_POLL), CLOSING),
    (old_row("Hallo", {}), Reply("Hallo")),
]


@pytest.mark.parametrize(("payload", "expected"), OLD_ROWS)
async def test_a_row_queued_before_the_typed_hints_is_delivered_with_them(
    app: App, payload: JSON, expected: Reply
) -> None:
    """An upgraded bot may find pending outbox rows that the version before queued."""
    with UnitOfWork(app.engine) as uow:
        uow.outbox.add(NewMessage("fake", payload, app.clock.now(), chat_id="dm-ana"))
    adapter = ScriptedAdapter()
    await OutboxSender(app.uow_factory, {"fake": adapter}, app.clock).flush()
    assert adapter.sent["dm-ana"] == [expected]
