"""Alembic migrations, run from code: `barcamp-bot db upgrade` and at every start.

Several processes may start at once on a fresh store; each upgrade runs under a lock
(PostgreSQL: an advisory lock; SQLite: a lock on a file beside the database), so the
first one migrates and the others find the store at head.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any fixed number, the same in every process of the bot: the key of the advisory lock.
MIGRATION_LOCK_KEY = 0x62617263616D70  # "barcamp"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # env.py takes the engine from here, so migrations use the same connection setup.
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    with migration_lock(engine):
        command.upgrade(alembic_config(engine), revision)


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Held by one process at a time, across processes, for one store."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        with _advisory_lock(engine):
            yield
    elif url.database and url.database != ":memory:":
        with file_lock(Path(f"{url.database}.migrate-lock")):
            yield
    else:
        yield  # an in-memory database belongs to this process alone


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    # A session lock on a connection of its own: Alembic commits on its connection, and
    # the lock must outlast those commits.
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock (flock) held for the duration of the block; the system
    releases it when the process ends, so a crash leaves no lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()
