"""The store on SQLite and on the PostgreSQL server: migrations, transactions, races."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel, select

from bot.bootstrap import App
from bot.dispatcher import Dispatcher
from bot.outbox import OutboxSender
from handlers.core.i18n import catalogues
from handlers.core.messages import ChatKind, IncomingText
from storage.barcamp.camp_tables import Vote
from storage.core.shared_tables import DialogState
from storage.migrate import current_revision, head_revision
from storage.uow import UnitOfWork
from tests.support.chat import FakeAdapter, Person
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp

MakeApp = Callable[[str], App]


def chat_people(app: App) -> Callable[[str], Person]:
    adapter = FakeAdapter()
    sender = OutboxSender(app.uow_factory, {adapter.platform: adapter}, app.clock)
    dispatcher = Dispatcher(app.router, sender)
    return lambda name: Person(dispatcher, adapter, name)


def test_migrations_build_exactly_the_models(make_app: MakeApp, store_url: str) -> None:
    app = make_app(store_url)
    assert current_revision(app.engine) == head_revision()
    with app.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(make_app: MakeApp, sqlite_url: str) -> None:
    app = make_app(sqlite_url)
    with app.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000


async def test_the_basic_flow_on_each_store(make_app: MakeApp, store_url: str) -> None:
    app = make_app(store_url)
    person = chat_people(app)
    code = await create_camp(person("Orga"), "de")
    orga = person("Orga")
    orga.seen = 10**6  # only what follows matters
    await orga.says("/propose Skatepark bauen")
    ana = person("Ana")
    await ana.joins(code)
    assert catalogues().text("de", "vote.budget", used=1, budget=5) in await ana.text("/vote 1")
    await ana.says("/forgetme confirm")
    with UnitOfWork(app.engine) as uow:
        proposal = uow.proposals.by_number(1, 1)
        assert proposal is not None
        assert uow.proposals.tallies([proposal]) == {proposal.id: 1}
    with raw_session(app.engine) as session:
        assert session.exec(select(Vote)).all() == []


async def test_concurrent_votes_never_exceed_the_budget(make_app: MakeApp, store_url: str) -> None:
    """Twelve presses at once from one person: exactly five votes stand."""
    app = make_app(store_url)
    person = chat_people(app)
    orga = person("Orga")
    code = await create_camp(orga, "de")
    for number in range(1, 13):
        await orga.says(f"/propose Thema Nummer {number}")
    ana = person("Ana")
    await ana.joins(code)
    barrier = threading.Barrier(12, timeout=30)

    def press(number: int) -> None:
        barrier.wait()
        app.router.handle(IncomingText(ana.sender, ana.chat, f"/vote {number}"))

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(press, range(1, 13)))
    with raw_session(app.engine) as session:
        assert len(session.exec(select(Vote)).all()) == 5


async def test_a_dialog_survives_a_restart(make_app: MakeApp, store_url: str) -> None:
    first = make_app(store_url)
    orga = chat_people(first)("Orga")
    await orga.says("/start")
    await orga.press("consent de")
    await orga.says("/newcamp")
    await orga.says("Camp nach dem Neustart")
    first.engine.dispose()

    second = make_app(store_url)  # a new process: new engine, router and adapter
    again = chat_people(second)("Orga")
    assert await again.text("2027-06-13") == catalogues().text("de", "newcamp.ask_place")
    with raw_session(second.engine) as session:
        state = session.exec(select(DialogState)).one()
        assert state.data == {"name": "Camp nach dem Neustart", "date": "2027-06-13"}


async def test_free_text_in_groups_is_ignored(make_app: MakeApp, sqlite_url: str) -> None:
    app = make_app(sqlite_url)
    ana = chat_people(app)("Ana")
    group = ana.chat.__class__(ana.chat.platform, "group-1", ChatKind.GROUP)
    assert app.router.handle(IncomingText(ana.sender, group, "hey, wer kommt mit?")) == []
    replies = app.router.handle(IncomingText(ana.sender, group, "/help"))
    assert len(replies) == 1


@pytest.mark.postgres
def test_postgres_tables_live_in_the_test_schema(make_app: MakeApp, postgres_url: str) -> None:
    app = make_app(postgres_url)
    with app.engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar()
        tables = connection.execute(
            text("SELECT count(*) FROM information_schema.tables WHERE table_schema = :s"),
            {"s": schema},
        ).scalar()
    assert str(schema).startswith("test_")
    assert tables == len(SQLModel.metadata.tables) + 1  # and alembic_version


def test_core_statements_see_what_the_unit_has_not_flushed_yet(
    make_app: MakeApp, store_url: str
) -> None:
    """run_core() flushes pending ORM changes first, as the ORM's autoflush would."""
    app = make_app(store_url)
    now = app.clock.now()
    with UnitOfWork(app.engine) as uow:
        person = uow.people.create_with_identity("console", "ana", now)
        assert person.id is not None
        uow.people.give_consent(person.id, 1, now)  # an ORM object, still pending
        assert uow._session.new  # white-box: the storage's own session
        assert uow.people.has_consent(person.id, 1)  # read past the ORM
        assert not uow.people.has_consent(person.id, 2)
