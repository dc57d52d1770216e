"""Shared fixtures: a store (SQLite by default, PostgreSQL where asked), the bot core."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.bootstrap import App, bootstrap
from bot.dispatcher import Dispatcher
from bot.outbox import OutboxSender
from bot.settings import Settings
from schedules.barcamp.planner import warm_up
from schedules.core.clock import ManualClock
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.chat import FakeAdapter, Person
from tests.support.store import postgres_schema_url

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def _compiled_planner() -> None:
    """The planner's annealer compiled once, into Numba's cache, before the bot
    processes of end-to-end tests would each compile it on their own."""
    warm_up()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'barcamp.sqlite3'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema_url() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """Runs a test on both stores."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite store at the newest migration, made once: a new test store starts as a
    copy of it instead of running every migration again (about half a second each)."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closes the last connection, which checkpoints the WAL into the file
    return path


@pytest.fixture
def make_app(clock: ManualClock, migrated_sqlite: Path) -> Iterator[Callable[[str], App]]:
    apps: list[App] = []

    def build(url: str) -> App:
        _start_from_template(url, migrated_sqlite)
        app = bootstrap(Settings(database_url=url, _env_file=None), clock=clock)  # type: ignore[call-arg]
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.engine.dispose()


def _start_from_template(url: str, template: Path) -> None:
    """A new SQLite file store begins as the migrated template (the bot's own upgrade at
    start then finds nothing to do); other stores, and existing files, as they are."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return
    path = Path(url.removeprefix(prefix))
    if not path.exists() and path.parent.is_dir():
        shutil.copyfile(template, path)


@pytest.fixture
def app(make_app: Callable[[str], App], sqlite_url: str) -> App:
    return make_app(sqlite_url)


@pytest.fixture
def adapter() -> FakeAdapter:
    return FakeAdapter()


@pytest.fixture
def dispatcher(app: App, adapter: FakeAdapter) -> Dispatcher:
    sender = OutboxSender(app.uow_factory, {adapter.platform: adapter}, app.clock)
    return Dispatcher(app.router, sender)


@pytest.fixture
def people(dispatcher: Dispatcher, adapter: FakeAdapter) -> Callable[..., Person]:
    def make(name: str, language_hint: str | None = "de") -> Person:
        return Person(dispatcher, adapter, name, language_hint)

    return make
