"""Retention with the test clock: organisers told a month before, once; then the event's
personal data goes, its tallies and results stay; each step once, on both stores."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.bootstrap import App
from handlers.core.messages import ButtonPress, Chat, ChatKind, IncomingText
from handlers.core.retention import add_months, run_retention
from schedules.core.clock import ManualClock
from storage.barcamp.camp_tables import CampSettings, Proposal, Slot, Vote
from storage.core.inbox_outbox import NewMessage
from storage.core.shared_tables import (
    Event,
    Identity,
    Membership,
    OutboxMessage,
    Person,
    PollAnswer,
    PollOption,
)
from storage.uow import UnitOfWork
from tests.integration.core.test_store import chat_people
from tests.support.chat import Person as ChatPerson
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp, t

MakeApp = Callable[[str], App]
CAMP = "Jugend-BarCamp Musterstadt"
GROUP = Chat("fake", "group-1", ChatKind.GROUP)
# The camp's last day is 2027-06-13 (Berlin): its data goes 12 months after that day ends,
# at midnight in Berlin (UTC+2), and the organisers are told a month before.
DEADLINE = datetime(2028, 6, 13, 22, 0, tzinfo=UTC)
NOTICE = datetime(2028, 5, 13, 22, 0, tzinfo=UTC)


def retain(app: App) -> int:
    return run_retention(app.uow_factory, app.clock, app.router.catalogues, app.router.config)


async def two_camps(app: App) -> tuple[ChatPerson, ChatPerson, ChatPerson, ChatPerson]:
    """Camp 1 (Orga): Ana only there, Ben also in camp 2 (Zoe's, a year later)."""
    person = chat_people(app)
    orga, zoe, ana, ben = (person(name) for name in ("Orga", "Zoe", "Ana", "Ben"))
    first = await create_camp(orga, "de")
    second = await create_camp(zoe, "de")
    with raw_session(app.engine) as session:
        later = session.get(Event, 2)
        assert later is not None
        later.starts_on = date(2028, 6, 13)
        session.add(later)
    await ana.joins(first)
    await ben.joins(second)
    await ben.says(f"/join {first}")
    await ana.says("/propose Skatepark am See")
    await ben.says("/propose Mehr Busse am Abend")
    await ana.says("/propose Noch nicht geprüft")
    await orga.says("/approve 1")
    await orga.says("/approve 2")
    await ana.says("/vote 1 2")
    await ben.says("/vote 1")
    await orga.dispatcher.on_event(IncomingText(orga.sender, GROUP, "/poll Pizza? | Ja | Nein"))
    await ana.dispatcher.on_event(ButtonPress(ana.sender, GROUP, "pollanswer 1 0"))
    for someone in (orga, zoe, ana, ben):
        someone.new_replies()
    return orga, zoe, ana, ben


async def test_told_a_month_before_once_then_anonymised(
    make_app: MakeApp, store_url: str, clock: ManualClock
) -> None:
    app = make_app(store_url)
    orga, zoe, ana, _ = await two_camps(app)

    clock.set(NOTICE - timedelta(minutes=1))
    assert retain(app) == 0
    clock.set(NOTICE)
    assert retain(app) == 1
    await orga.dispatcher.sender.flush()
    assert [r.text for r in orga.new_replies()] == [
        t("de", "retention.notice", name=CAMP, date="2028-06-14")
    ]
    assert zoe.new_replies() == []
    assert ana.new_replies() == []
    assert retain(app) == 0  # once

    clock.set(DEADLINE - timedelta(minutes=1))
    assert retain(app) == 0
    with UnitOfWork(app.engine) as uow:  # a message to Ana still waiting to go
        uow.outbox.add(NewMessage("fake", {"text": "Hallo Ana"}, clock.now(), chat_id="ana"))
    clock.set(DEADLINE)
    assert retain(app) == 1
    assert retain(app) == 0

    with raw_session(app.engine) as session:
        # Ana and Orga belonged to this camp only: gone, as with /forgetme, and so is
        # what delivery kept for them.
        assert [m.chat_id for m in session.exec(select(OutboxMessage))].count("ana") == 0
        names = {p.display_name for p in session.exec(select(Person))}
        assert names == {"Zoe", "Ben"}
        assert {i.platform_user_id for i in session.exec(select(Identity))} == {"zoe", "ben"}
        # Ben stays in Zoe's camp only.
        assert {(m.event_id, m.person_id) for m in session.exec(select(Membership))} == {
            (2, 2),
            (2, 4),
        }
        # Tallies stay as anonymous counts; the unapproved proposal and every author go.
        assert session.exec(select(Vote)).all() == []
        proposals = session.exec(select(Proposal).order_by(Proposal.number)).all()
        assert [(p.number, p.anonymous_votes, p.proposer_id) for p in proposals] == [
            (1, 2, None),
            (2, 1, None),
        ]
        assert session.exec(select(PollAnswer)).all() == []
        options = session.exec(select(PollOption).order_by(PollOption.position)).all()
        assert [o.anonymous_answers for o in options] == [1, 0]
        # The camp itself, its days and settings stay.
        camp = session.get(Event, 1)
        assert camp is not None
        assert camp.name == CAMP
        assert session.get(CampSettings, 1) is not None
        assert len(session.exec(select(Slot).where(Slot.event_id == 1)).all()) == 4


async def test_an_old_event_found_late_is_told_first_and_waits_a_month(
    make_app: MakeApp, sqlite_url: str, clock: ManualClock
) -> None:
    app = make_app(sqlite_url)
    orga, *_ = await two_camps(app)
    late = DEADLINE + timedelta(days=100)
    clock.set(late)
    assert retain(app) == 1
    await orga.dispatcher.sender.flush()
    # Only Orga's camp is due; it goes a month after the notice, not at once.
    assert [r.text for r in orga.new_replies()] == [
        t("de", "retention.notice", name=CAMP, date="2028-10-22")
    ]
    clock.set(add_months(late, 1) - timedelta(minutes=1))
    assert retain(app) == 0
    clock.set(add_months(late, 1))
    assert retain(app) == 1
    with raw_session(app.engine) as session:
        assert {p.display_name for p in session.exec(select(Person))} == {"Zoe", "Ben"}


async def test_two_processes_do_each_step_once(
    make_app: MakeApp, store_url: str, clock: ManualClock
) -> None:
    first, second = make_app(store_url), make_app(store_url)
    await two_camps(first)
    barrier = threading.Barrier(4, timeout=30)

    def run(app: App) -> int:
        barrier.wait()
        return retain(app)

    for moment in (NOTICE, DEADLINE):
        clock.set(moment)
        with ThreadPoolExecutor(max_workers=4) as pool:
            assert sum(pool.map(run, (first, second, first, second))) == 1
    with raw_session(first.engine) as session:
        proposal = session.exec(select(Proposal).where(Proposal.number == 1)).one()
        assert proposal.anonymous_votes == 2  # counted once, not once per process


def test_add_months_keeps_the_day_or_takes_the_last() -> None:
    assert add_months(datetime(2027, 1, 31, 8, tzinfo=UTC), 1) == datetime(
        2027, 2, 28, 8, tzinfo=UTC
    )
    assert add_months(datetime(2027, 3, 15, tzinfo=UTC), -3) == datetime(2026, 12, 15, tzinfo=UTC)
    assert add_months(datetime(2027, 6, 14, tzinfo=UTC), 12) == datetime(2028, 6, 14, tzinfo=UTC)


async def test_someone_still_waiting_for_a_guardian_goes_too(
    make_app: MakeApp, sqlite_url: str, clock: ManualClock
) -> None:
    app = make_app(sqlite_url)
    person = chat_people(app)
    orga, lea = person("Orga"), person("Lea")
    code = await create_camp(orga, "de")
    await orga.says("/guardian on")
    await lea.says("/start")
    await lea.press("consent de")
    await lea.says(f"/join {code}")
    await lea.press(f"age {code} under16")
    for moment in (NOTICE, DEADLINE):
        clock.set(moment)
        assert retain(app) == 1
    with raw_session(app.engine) as session:
        assert session.exec(select(Person)).all() == []
        assert session.exec(select(Identity)).all() == []
