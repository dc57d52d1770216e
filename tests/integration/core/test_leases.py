"""Leases between bot processes, on SQLite and PostgreSQL: one holder at a time, freed
with its holder, and a dead process's outbox claims taken over, a live one's left alone."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from bot.bootstrap import App
from bot.outbox import OutboxSender
from storage.core.shared_tables import DeliveryStatus, OutboxMessage
from storage.leases import Leases, delivery_lease, worker_lease
from storage.uow import UnitOfWork
from tests.integration.core.test_delivery import ScriptedAdapter, statuses, text_from
from tests.support.store import raw_session

MakeApp = Callable[[str], App]


def test_a_lease_has_one_holder_until_released(make_app: MakeApp, store_url: str) -> None:
    app = make_app(store_url)  # migrated, so the SQLite file's folder exists
    first, second = Leases(app.engine), Leases(app.engine)
    try:
        assert first.try_hold("poll:telegram")
        assert first.try_hold("poll:telegram")  # again: still this one's
        assert not second.try_hold("poll:telegram")
        assert second.held_elsewhere("poll:telegram")
        assert not first.held_elsewhere("poll:telegram")
        assert second.try_hold("deliver:telegram")  # another name, another lease
        first.release("poll:telegram")
        assert not second.held_elsewhere("poll:telegram")
        assert second.try_hold("poll:telegram")
        assert first.check()
    finally:
        first.close()
        second.close()


def test_closing_frees_every_lease(make_app: MakeApp, store_url: str) -> None:
    app = make_app(store_url)
    first, second = Leases(app.engine), Leases(app.engine)
    try:
        assert first.try_hold(worker_lease("abc"))
        assert second.held_elsewhere(worker_lease("abc"))
        first.close()  # what the system does when the process dies
        assert not second.held_elsewhere(worker_lease("abc"))
    finally:
        second.close()


async def test_the_deliverer_takes_over_only_what_dead_processes_claimed(
    make_app: MakeApp, store_url: str
) -> None:
    app = make_app(store_url)
    for user in ("ana", "ben"):
        app.router.handle(text_from(user, "/help"))
    with raw_session(app.engine) as session:  # both being sent, by two other processes
        rows = list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row, worker in zip(rows, ("alive", "dead"), strict=True):
            row.status, row.claimed_by = DeliveryStatus.SENDING, worker
            session.add(row)
    alive, mine = Leases(app.engine), Leases(app.engine)
    try:
        assert alive.try_hold(worker_lease("alive"))
        adapter = ScriptedAdapter(idempotent=False)
        sender = OutboxSender(
            app.uow_factory, {"fake": adapter}, app.clock, worker="me", leases=mine
        )
        sender.recover()  # not the deliverer yet: touches nothing
        assert statuses(app) == [DeliveryStatus.SENDING, DeliveryStatus.SENDING]
        assert mine.try_hold(delivery_lease("fake"))
        sender.recover()
        # The dead one's message may have arrived: skipped, never sent twice.
        assert statuses(app) == [DeliveryStatus.SENDING, DeliveryStatus.SKIPPED]
        alive.close()  # that process dies too
        sender.recover()
        assert statuses(app) == [DeliveryStatus.SKIPPED, DeliveryStatus.SKIPPED]
        assert adapter.sent == {}
    finally:
        alive.close()
        mine.close()


def test_a_claim_names_the_claiming_process(make_app: MakeApp, store_url: str) -> None:
    app = make_app(store_url)
    app.router.handle(text_from("ana", "/help"))
    with UnitOfWork(app.engine, worker="w1") as uow:
        (message,) = uow.outbox.due("fake", app.clock.now())
        assert uow.outbox.claim([message.id or 0]) == {message.id}
        assert uow.outbox.claimants("fake") == {"w1"}
    with UnitOfWork(app.engine, worker="w2") as uow:
        assert uow.outbox.claim([message.id or 0]) == set()  # taken already
        assert [m.id for m in uow.outbox.interrupted("fake", {"w2"})] == []
        assert [m.id for m in uow.outbox.interrupted("fake", {"w1"})] == [message.id]
