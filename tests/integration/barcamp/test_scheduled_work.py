"""Scheduled work with a manual clock: on time, late, once across restarts and processes."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.bootstrap import App
from bot.outbox import OutboxSender
from bot.scheduler import RETENTION_JOB, SYNC_JOB, SchedulerService
from handlers.core import timed_work as scheduling
from handlers.core.config import CoreConfig
from handlers.core.timed_work import run_due
from schedules.core.clock import ManualClock
from storage.barcamp.camp_tables import CampSettings
from storage.core.shared_tables import OutboxMessage, Role, ScheduledItem, ScheduledKind
from storage.uow import UnitOfWork
from tests.integration.core.test_store import chat_people
from tests.support.chat import FakeAdapter, Person
from tests.support.day import CAMP, run_scheduled
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp, t

MakeApp = Callable[[str], App]
# 1 March 2027 in Berlin is UTC+1: 12:00 there is 11:00 UTC.
NOON = datetime(2027, 3, 1, 11, 0, tzinfo=UTC)
PIZZA = "Pizza im Foyer!"
GRACE = CoreConfig().grace


async def camp_on(app: App) -> tuple[Person, Person]:
    person = chat_people(app)
    orga = person("Orga")
    code = await create_camp(orga, "de")
    ana = person("Ana")
    await ana.joins(code)
    ana.new_replies()
    # The reminder to non-voters has its own tests (test_event_settings.py).
    await orga.says("/settings votereminder 0")
    return orga, ana


def batched(app: App) -> list[OutboxMessage]:
    """Messages queued as part of a batch: announcements and broadcasts."""
    with raw_session(app.engine) as session:
        return list(
            session.exec(select(OutboxMessage).where(col(OutboxMessage.batch).is_not(None)))
        )


def items(app: App) -> list[ScheduledItem]:
    with raw_session(app.engine) as session:
        return list(session.exec(select(ScheduledItem).order_by(ScheduledItem.id)))


async def test_due_work_runs_once_across_a_restart(
    make_app: MakeApp, sqlite_url: str, clock: ManualClock
) -> None:
    first = make_app(sqlite_url)
    orga, ana = await camp_on(first)
    await orga.says(f"/announce at 2027-03-01 12:00 {PIZZA}")
    await orga.says("/voting close at 2027-03-01 12:30")
    clock.set(NOON - timedelta(seconds=1))
    assert await run_scheduled(first, orga.dispatcher) == 0
    clock.set(NOON + timedelta(seconds=30))
    assert await run_scheduled(first, orga.dispatcher) == 1
    assert [r.text for r in ana.new_replies()] == [
        t("de", "announce.message", name=CAMP, text=PIZZA)
    ]
    assert await run_scheduled(first, orga.dispatcher) == 0
    first.engine.dispose()

    # A new process on the same store: the announcement is done, the deadline is not.
    second = make_app(sqlite_url)
    ana_again = chat_people(second)("Ana")
    clock.set(NOON + timedelta(minutes=31))
    assert await run_scheduled(second, ana_again.dispatcher) == 1
    assert [r.text for r in ana_again.new_replies()] == [t("de", "voting.closed_notice", name=CAMP)]
    assert await run_scheduled(second, ana_again.dispatcher) == 0
    assert [item.outcome for item in items(second)] == ["done", "done"]


async def test_late_items_change_state_but_send_nothing(
    make_app: MakeApp, sqlite_url: str, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(sqlite_url)
    orga, ana = await camp_on(app)
    await orga.says(f"/announce at 2027-03-01 12:00 {PIZZA}")
    await orga.says("/voting close at 2027-03-01 12:00")
    orga.new_replies()
    # Within the grace both go out; here the bot was down a minute too long.
    clock.set(NOON + GRACE + timedelta(minutes=1))
    with caplog.at_level(logging.WARNING, logger="handlers.core.timed_work"):
        assert await run_scheduled(app, orga.dispatcher) == 2
    assert ana.new_replies() == []
    assert orga.new_replies() == []
    assert [item.outcome for item in items(app)] == ["late", "late"]
    assert sum("messages are dropped" in record.message for record in caplog.records) == 2
    with raw_session(app.engine) as session:
        camp = session.exec(select(CampSettings)).one()
        assert camp.voting_open is False  # a deadline is a deadline, however late


async def test_just_within_the_grace_it_still_goes_out(
    make_app: MakeApp, sqlite_url: str, clock: ManualClock
) -> None:
    app = make_app(sqlite_url)
    orga, ana = await camp_on(app)
    await orga.says(f"/announce at 2027-03-01 12:00 {PIZZA}")
    clock.set(NOON + GRACE)
    assert await run_scheduled(app, orga.dispatcher) == 1
    assert [r.text for r in ana.new_replies()] == [
        t("de", "announce.message", name=CAMP, text=PIZZA)
    ]


async def test_a_failing_item_queues_nothing_and_runs_again_later(
    make_app: MakeApp,
    sqlite_url: str,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(sqlite_url)
    orga, ana = await camp_on(app)
    await orga.says(f"/announce at 2027-03-01 12:00 {PIZZA}")
    announce = scheduling.WORK[ScheduledKind.ANNOUNCEMENT]

    def crash_after_queueing(due: scheduling.Due) -> None:
        announce(due)
        raise RuntimeError("the process died here")

    monkeypatch.setitem(scheduling.WORK, ScheduledKind.ANNOUNCEMENT, crash_after_queueing)
    clock.set(NOON)
    assert await run_scheduled(app, orga.dispatcher) == 0
    assert batched(app) == []
    assert items(app)[0].done_at is None
    monkeypatch.setitem(scheduling.WORK, ScheduledKind.ANNOUNCEMENT, announce)
    assert await run_scheduled(app, orga.dispatcher) == 1
    assert [r.text for r in ana.new_replies()] == [
        t("de", "announce.message", name=CAMP, text=PIZZA)
    ]


async def test_three_processes_run_each_item_once(
    make_app: MakeApp, store_url: str, clock: ManualClock
) -> None:
    processes = [make_app(store_url) for _ in range(3)]
    orga, _ = await camp_on(processes[0])
    for minute in range(0, 6):
        await orga.says(f"/announce at 2027-03-01 12:0{minute} Nummer {minute}")
    clock.set(NOON + timedelta(minutes=6))
    barrier = threading.Barrier(6, timeout=30)

    def run(app: App) -> int:
        barrier.wait()
        return run_due(app.uow_factory, app.clock, app.router.catalogues, app.router.config)

    with ThreadPoolExecutor(max_workers=6) as pool:
        ran = sum(pool.map(run, processes * 2))
    first = processes[0]
    assert ran == 6
    queued = batched(first)
    # Two members (organiser and Ana), six announcements, each queued exactly once.
    assert sorted((m.batch, m.person_id) for m in queued) == [
        (f"scheduled-{item}", person) for item in range(1, 7) for person in (1, 2)
    ]


async def test_the_service_rebuilds_its_jobs_from_the_store(
    make_app: MakeApp, sqlite_url: str, clock: ManualClock
) -> None:
    app = make_app(sqlite_url)
    orga, _ = await camp_on(app)
    await orga.says(f"/announce at 2027-03-01 12:00 {PIZZA}")
    await orga.says("/voting close at 2027-03-01 12:30")
    clock.set(NOON + timedelta(minutes=5))  # the bot starts late: one item is overdue
    adapter = FakeAdapter()
    sender = OutboxSender(app.uow_factory, {adapter.platform: adapter}, app.clock)
    service = SchedulerService(sync_seconds=3600)
    await service.start(app, sender)
    try:
        jobs = {job.id: job.next_run_time for job in service.scheduler.get_jobs()}
        assert set(jobs) <= {"item-1", "item-2", SYNC_JOB, RETENTION_JOB}
        assert {"item-2", SYNC_JOB, RETENTION_JOB} <= set(jobs)
        wait = jobs["item-2"] - datetime.now(UTC)
        assert timedelta(minutes=24) < wait <= timedelta(minutes=25)
        await until(lambda: items(app)[0].done_at is not None)
        await sender.flush()
        assert adapter.sent["dm-ana"][-1].text == t("de", "announce.message", name=CAMP, text=PIZZA)
    finally:
        await service.stop()

    # After a restart only what is still pending gets a job.
    restarted = SchedulerService(sync_seconds=3600)
    await restarted.start(make_app(sqlite_url), sender)
    try:
        assert {job.id for job in restarted.scheduler.get_jobs()} == {
            "item-2",
            SYNC_JOB,
            RETENTION_JOB,
        }
    finally:
        await restarted.stop()


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def make_youth_worker(app: App, user_id: str) -> None:
    """There is no /role yet: the store says so directly."""
    with UnitOfWork(app.engine) as uow:
        person = uow.people.by_identity("fake", user_id)
        assert person is not None
        assert person.id is not None
        membership = uow.events.membership(1, person.id)
        assert membership is not None
        membership.role = Role.YOUTHWORKER


def queue_notices(person: Person) -> list[tuple[str, list[str]]]:
    """The notices about the queue that reached `person`: text and button data."""
    return [
        (reply.text, [button.data for row in reply.buttons for button in row])
        for reply in person.new_replies()
    ]


async def test_staff_hear_of_waiting_proposals_once_per_window(
    make_app: MakeApp, store_url: str, clock: ManualClock
) -> None:
    app = make_app(store_url)
    person = chat_people(app)
    orga = person("Orga")
    code = await create_camp(orga, "de")
    yuki, ana, ben = person("Yuki"), person("Ana"), person("Ben")
    await yuki.joins(code, "en")
    make_youth_worker(app, "yuki")
    for participant in (ana, ben):
        await participant.joins(code)
    everyone = (orga, yuki, ana, ben)
    for someone in everyone:
        someone.new_replies()

    start = clock.now()
    for minutes, proposer, title in ((0, ana, "Skatepark"), (5, ben, "WLAN"), (10, ana, "Busse")):
        clock.set(start + timedelta(minutes=minutes))
        await proposer.says(f"/propose {title}")
        proposer.new_replies()
    clock.set(start + timedelta(minutes=14))
    assert await run_scheduled(app, orga.dispatcher) == 0
    clock.set(start + timedelta(minutes=15))
    assert await run_scheduled(app, orga.dispatcher) == 1
    assert queue_notices(orga) == [(t("de", "queue.notice", name=CAMP, count=3), ["queue"])]
    assert queue_notices(yuki) == [(t("en", "queue.notice", name=CAMP, count=3), ["queue"])]
    assert ana.new_replies() == ben.new_replies() == []
    assert await run_scheduled(app, orga.dispatcher) == 0  # told once

    for number in (1, 2, 3):
        await orga.says(f"/approve {number}")
    orga.new_replies()
    clock.set(start + timedelta(minutes=40))
    await ben.says("/propose Mehr Bänke")
    clock.set(start + timedelta(minutes=55))
    assert await run_scheduled(app, orga.dispatcher) == 1
    assert queue_notices(orga) == [(t("de", "queue.notice", name=CAMP, count=1), ["queue"])]
    assert queue_notices(yuki) == [(t("en", "queue.notice", name=CAMP, count=1), ["queue"])]


async def test_nobody_hears_of_their_own_waiting_proposal(
    make_app: MakeApp, sqlite_url: str, clock: ManualClock
) -> None:
    app = make_app(sqlite_url)
    orga, ana = await camp_on(app)
    await ana.says("/propose Skatepark")
    make_youth_worker(app, "ana")  # she moderates from now on, but not her own
    orga.new_replies()
    ana.new_replies()
    clock.set(clock.now() + timedelta(minutes=15))
    assert await run_scheduled(app, orga.dispatcher) == 1
    assert queue_notices(orga) == [(t("de", "queue.notice", name=CAMP, count=1), ["queue"])]
    assert ana.new_replies() == []
