"""Engines for the embedded SQLite default and the shared PostgreSQL store."""

from __future__ import annotations

import functools
import threading
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Executable, Result, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Execution option of read-only transactions: on SQLite they need no write lock.
READ_ONLY = "barcamp_read_only"

_write_locks: dict[str, threading.RLock] = {}
_write_locks_guard = threading.Lock()


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **options)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        **options,
    )
    event.listen(engine, "connect", _tune_sqlite)
    event.listen(engine, "begin", _begin_immediately)
    return engine


def _tune_sqlite(connection: Any, _record: Any) -> None:
    # pysqlite would begin transactions only before writes, so a check-then-write
    # (the vote budget) could read stale data; we issue BEGIN ourselves instead.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten rows are zeroed, so a forgotten person's bytes do not
    # linger in free space of the file (the write-ahead log: see `empty_wal`).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def empty_wal(engine: Engine) -> bool:
    """Copy SQLite's write-ahead log into the file and empty it: the log keeps old page
    images (with what was since deleted) until it is. False if a reader held it back;
    nothing to do on PostgreSQL."""
    if engine.url.get_backend_name() != "sqlite":
        return True
    # On the bare connection: SQLAlchemy's would begin a transaction, and a checkpoint
    # cannot run inside one.
    with write_lock(engine) or nullcontext():
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _, _ = cursor.fetchone() or (1, 0, 0)
            cursor.close()
        finally:
            connection.close()
    return not busy


def _begin_immediately(connection: Any) -> None:
    """Take the write lock at the start: writers queue (busy timeout) instead of failing.

    Read-only transactions begin deferred: in WAL mode they read beside the writer.
    """
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def write_lock(engine: Engine) -> threading.RLock | None:
    """One lock per SQLite file in this process, held by each writing transaction.

    SQLite has one writer at a time anyway; waiting for it in SQLite's busy handler
    means sleeping in steps of up to 100 ms, while this lock hands over at once. Every
    engine on the same file shares it (tests and the CLI may open several). PostgreSQL
    needs none.
    """
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return _lock_of_file(url.database)


@functools.cache
def _lock_of_file(database: str) -> threading.RLock:
    # Asked for by every unit of work: the path is resolved once, not per transaction.
    with _write_locks_guard:
        return _write_locks.setdefault(str(Path(database).resolve()), threading.RLock())


def run_core(
    session: Session,
    statement: Executable,
    parameters: dict[str, Any] | list[dict[str, Any]] | None = None,
) -> Result[Any]:
    """A Core statement on the unit's connection, past the ORM's execution layer, which
    costs about three times as much per statement on the hot paths (a vote press runs a
    dozen). Pending ORM changes are flushed first, as the ORM's autoflush would. A list
    of parameter sets runs the statement once per set."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, parameters)


def dialect_of(session: Session) -> str:
    """ "sqlite" or "postgresql": for the few statements each store spells its own way."""
    bind = session.bind
    return bind.dialect.name if bind is not None else ""
