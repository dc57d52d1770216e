"""The inbox and outbox keep the least that works, on both stores, and /forgetme forgets.

A delivered, skipped or failed message keeps only its ids, status and times; a handled
event only its key; both go after the retention period, except where a platform could
still deliver the event again. /forgetme removes what addresses the person in them.
Every check reads the stored rows (`tests/support/privacy_scan.py`), not the code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select

from bot.adapter import Unreachable
from bot.bootstrap import App
from bot.housekeeping import RESUMES_FROM, prune_deliveries
from bot.matrix.store import NEXT_BATCH, room_key
from bot.outbox import MAX_ATTEMPTS, OutboxSender
from handlers.core.messages import ButtonPress, Chat, Reply, Sender
from handlers.core.outbox_replies import enqueue_replies
from schedules.core.clock import ManualClock
from storage.core.shared_tables import (
    ChannelState,
    DeliveryStatus,
    InboxEvent,
    MessageRef,
    OutboxMessage,
)
from storage.uow import UnitOfWork
from tests.integration.core.test_delivery import ScriptedAdapter, consented, text_from
from tests.support.chat import FakeAdapter
from tests.support.privacy_scan import rows_naming
from tests.support.store import raw_session

MakeApp = Callable[[str], App]
RETENTION = timedelta(days=7)


class FailingChats(FakeAdapter):
    """Ana blocked the bot; Ben's chat fails every time."""

    async def send(self, chat_id: str, reply: Reply, delivery_id: int = 0) -> str | None:
        if chat_id == "dm-ana":
            raise Unreachable("blocked")
        raise RuntimeError("down")


def outbox_rows(app: App) -> list[OutboxMessage]:
    with raw_session(app.engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def assert_scrubbed(message: OutboxMessage) -> None:
    kept = (message.payload, message.attachment, message.chat_id, message.recipient_user_id)
    assert kept == ({}, None, None, None), message
    assert message.person_id is None
    assert message.sent_at is not None


async def test_a_delivered_answer_keeps_no_text_and_no_address(
    make_app: MakeApp, store_url: str
) -> None:
    app = make_app(store_url)
    adapter = ScriptedAdapter()
    sender = OutboxSender(app.uow_factory, {"fake": adapter}, app.clock)
    app.router.handle(text_from("kimberly", "/consent de"))  # "Thanks, Kimberly! …"
    assert "outboxmessage" in rows_naming(app.engine, ["Kimberly"])["Kimberly"]
    await sender.flush()
    [row] = outbox_rows(app)
    assert row.status == DeliveryStatus.SENT
    assert_scrubbed(row)
    assert row.platform_message_id  # what the platform calls it stays: it names nobody
    assert rows_naming(app.engine, ["Kimberly"]) == {"Kimberly": ["person"]}


async def test_skipped_and_failed_messages_are_scrubbed_when_they_end(
    make_app: MakeApp, store_url: str, clock: ManualClock
) -> None:
    app = make_app(store_url)
    sender = OutboxSender(app.uow_factory, {"fake": FailingChats()}, app.clock)
    with UnitOfWork(app.engine) as uow:
        to_ana, to_ben = Chat("fake", "dm-ana"), Chat("fake", "dm-ben")
        enqueue_replies(uow, to_ana, [Reply("✅ Stimme für 3. „Skatepark“")], clock.now())
        enqueue_replies(uow, to_ben, [Reply("Danke, Ben Bauer!")], clock.now())
    assert set(rows_naming(app.engine, ["Skatepark", "Ben Bauer"])) == {"Skatepark", "Ben Bauer"}
    for _ in range(MAX_ATTEMPTS):
        await sender.flush()
        clock.advance(timedelta(minutes=10))
    skipped, failed = outbox_rows(app)
    assert (skipped.status, failed.status) == (DeliveryStatus.SKIPPED, DeliveryStatus.FAILED)
    assert_scrubbed(skipped)
    assert_scrubbed(failed)
    assert rows_naming(app.engine, ["Skatepark", "Ben Bauer", "dm-ana", "dm-ben"]) == {}


async def test_an_interrupted_send_that_is_skipped_is_scrubbed(
    make_app: MakeApp, store_url: str, clock: ManualClock
) -> None:
    app = make_app(store_url)
    with UnitOfWork(app.engine) as uow:
        enqueue_replies(uow, Chat("tg", "4711"), [Reply("Danke, Kim!")], clock.now(), True)
    OutboxSender(app.uow_factory, {"tg": ScriptedAdapter("tg", idempotent=False)}, clock).recover()
    [row] = outbox_rows(app)
    assert row.status == DeliveryStatus.SKIPPED
    assert_scrubbed(row)


def test_a_handled_event_keeps_only_its_key(make_app: MakeApp, store_url: str) -> None:
    app = make_app(store_url)
    payload = {"update_id": 7, "message": {"from": {"id": 4711, "first_name": "Kim"}}}
    with app.uow_factory() as uow:
        assert uow.inbox.record_new("telegram", [("update:7", payload)], app.clock.now())
    assert rows_naming(app.engine, ["Kim"]) == {"Kim": ["inboxevent"]}
    # The person never agreed: /start is answered with the notice, and nothing stays.
    app.router.handle(text_from("4711", "/start", external_id="update:7", platform="telegram"))
    with raw_session(app.engine) as session:
        [event] = session.exec(select(InboxEvent)).all()
    assert (event.external_id, event.payload) == ("update:7", None)
    assert event.handled_at is not None
    assert rows_naming(app.engine, ["Kim"]) == {}


def test_handled_events_and_finished_messages_go_after_the_retention(
    make_app: MakeApp, store_url: str, clock: ManualClock
) -> None:
    app = make_app(store_url)
    start = clock.now()
    with app.uow_factory() as uow:
        for key in ("update:1", "$matrix-1", "$matrix-2"):
            platform = "telegram" if key.startswith("update") else "matrix"
            uow.inbox.claim(platform, key, start)
        uow.inbox.record("telegram", "update:2", {"update_id": 2}, start)  # not handled yet
        uow.channels.set_state("matrix", NEXT_BATCH, "s1", start - timedelta(seconds=1))
        for text in ("eins", "zwei"):
            enqueue_replies(uow, Chat("telegram", "4711"), [Reply(text)], start)
        enqueue_replies(uow, Chat("telegram", "4711"), [Reply("wartet")], start)
    with app.uow_factory() as uow:
        first, second, waiting = (row.id or 0 for row in uow.outbox.due("telegram", start))
        uow.outbox.mark_sent([(first, "1"), (second, "2")], start)

    clock.advance(RETENTION - timedelta(minutes=1))
    assert prune_deliveries(app.uow_factory, app.engine, clock.now(), RETENTION).events == 0
    clock.advance(timedelta(minutes=2))
    pruned = prune_deliveries(app.uow_factory, app.engine, clock.now(), RETENTION)
    # Matrix: the stored sync token is older than its events, which may come again.
    with raw_session(app.engine) as session:
        events = sorted(session.exec(select(InboxEvent.external_id)).all())
        messages = [(m.id, m.status) for m in session.exec(select(OutboxMessage))]
    assert events == ["$matrix-1", "$matrix-2", "update:2"]
    # The pending message stays, the sent ones go but the newest row of all.
    assert messages == [(waiting, DeliveryStatus.PENDING)]
    assert (pruned.events, pruned.messages) == (1, 2)

    with app.uow_factory() as uow:  # the token moved on: the Matrix events are safe to go
        uow.channels.set_state("matrix", NEXT_BATCH, "s2", clock.now())
    prune_deliveries(app.uow_factory, app.engine, clock.now(), RETENTION)
    with raw_session(app.engine) as session:
        assert session.exec(select(InboxEvent.external_id)).all() == ["update:2"]


def test_housekeeping_knows_where_matrix_keeps_its_position() -> None:
    assert RESUMES_FROM["matrix"] == NEXT_BATCH


def test_sqlite_zeroes_deleted_content(make_app: MakeApp, sqlite_url: str) -> None:
    app = make_app(sqlite_url)
    with app.engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1


async def test_forgetme_removes_what_delivery_keeps_of_the_person(
    make_app: MakeApp, store_url: str, clock: ManualClock
) -> None:
    """Messages still to go, what their direct chat showed, state about that chat and a
    raw event of theirs still waiting: all gone; other people's stay."""
    app = make_app(store_url)
    adapter = ScriptedAdapter("matrix")
    sender = OutboxSender(app.uow_factory, {"matrix": adapter}, app.clock)
    kim, other = "@kimberly:example.org", "@ben:example.org"
    for user in (kim, other):
        await consented(app, sender, user, platform="matrix")
    now = clock.now()
    with app.uow_factory() as uow:
        for user in (kim, other):
            uow.channels.touch("matrix", user, f"dm-{user}")
            uow.channels.set_state("matrix", room_key("kind", f"dm-{user}"), "direct", now)
            uow.message_refs.add(
                MessageRef(
                    platform="matrix",
                    chat_id=f"dm-{user}",
                    message_id=f"$list-{user}",
                    kind="proposal",
                    object_id=1,
                    created_at=now,
                )
            )
            encrypted = {"kind": "encrypted", "event": {"sender": user, "ciphertext": "x"}}
            uow.inbox.record("matrix", f"$waiting-{user}", encrypted, now)
            enqueue_replies(uow, Chat("matrix", f"dm-{user}"), [Reply("Ankündigung")], now)
    sender_kim, chat_kim = Sender("matrix", kim, "Kimberly"), Chat("matrix", f"dm-{kim}")
    app.router.handle(ButtonPress(sender_kim, chat_kim, "forgetme confirm"))
    await sender.flush()

    assert rows_naming(app.engine, [kim, f"dm-{kim}", "Kimberly"]) == {}
    with raw_session(app.engine) as session:
        assert session.exec(select(ChannelState.key)).all() == [room_key("kind", f"dm-{other}")]
        assert [r.chat_id for r in session.exec(select(MessageRef))] == [f"dm-{other}"]
        kept = session.exec(select(InboxEvent.external_id).where(InboxEvent.payload != None))  # noqa: E711
        assert kept.all() == [f"$waiting-{other}"]
    assert adapter.sent[f"dm-{kim}"][-1].text  # the goodbye still went out
