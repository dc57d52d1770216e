"""Leases: which bot process does what only one process may do (poll Telegram, sync
Matrix, deliver the queued messages), and whether a process is still alive.

A lease is an advisory lock. On PostgreSQL a session lock on one connection kept open
for the process's life: when the process dies, even by SIGKILL, its connection closes
and the server frees its locks at once, so a standby can take over. On SQLite (one
machine) a `flock` on a file beside the database, freed by the system likewise.

Lock keys are made from the database, the schema and the lease's name, so two bots on
one server (or two test schemas) never share a lease.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)


def worker_lease(worker: str) -> str:
    """The lease a bot process holds for its whole life: held means alive."""
    return f"worker:{worker}"


def delivery_lease(platform: str) -> str:
    """Held by the one process that delivers a platform's queued messages (bot/outbox.py);
    on Matrix also the one that syncs (bot/matrix/adapter.py)."""
    return f"deliver:{platform}"


class Leases:
    """The leases of one process on one store; safe to use from several threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.shared = engine.url.get_backend_name() == "postgresql"
        database = engine.url.database or ""
        self._memory = not self.shared and database in ("", ":memory:")
        self._folder = Path(f"{database}.leases") if not (self.shared or self._memory) else None
        self._guard = threading.Lock()
        self._connection: Connection | None = None
        self._namespace = database
        self._held: dict[str, IO[str] | None] = {}

    # -- this process's leases ------------------------------------------------------------

    def try_hold(self, name: str) -> bool:
        """Take the lease if nobody holds it; True if this process holds it now."""
        with self._guard:
            if name in self._held:
                return True
            if self._memory:
                self._held[name] = None
                return True
            if self.shared:
                if not self._lock(name):
                    return False
                self._held[name] = None
                return True
            handle = self._lock_file(name)
            if handle is None:
                return False
            self._held[name] = handle
            return True

    def holds(self, name: str) -> bool:
        return name in self._held

    def release(self, name: str) -> None:
        with self._guard:
            if name not in self._held:
                return
            handle = self._held.pop(name)
            if handle is not None:
                handle.close()
            elif self.shared and self._connection is not None:
                self._execute("SELECT pg_advisory_unlock(:key)", name)

    def check(self) -> bool:
        """Is the lock connection still there? If not, every lease is lost (the server
        freed the locks, a standby may hold them now); False then."""
        if not self.shared:
            return True
        with self._guard:
            if self._connection is None:
                return not self._held
            try:
                self._connection.execute(text("SELECT 1")).scalar()
                self._connection.commit()
                return True
            except Exception as error:
                log.error("lost the store's lock connection: %s; leases given up", error)
                self._drop_connection()
                return False

    def close(self) -> None:
        with self._guard:
            for handle in self._held.values():
                if handle is not None:
                    handle.close()
            self._held.clear()
            self._drop_connection()

    # -- other processes' --------------------------------------------------------------

    def held_elsewhere(self, name: str) -> bool:
        """Does another process hold this lease (e.g. a worker's: is it alive)?"""
        with self._guard:
            if name in self._held or self._memory:
                return False  # this process's own, or an in-memory store's (no others)
            if self.shared:
                if not self._lock(name):
                    return True
                self._execute("SELECT pg_advisory_unlock(:key)", name)
                return False
            handle = self._lock_file(name)
            if handle is None:
                return True
            handle.close()
            (self._file(name)).unlink(missing_ok=True)
            return False

    # -- PostgreSQL ------------------------------------------------------------------------

    def _lock(self, name: str) -> bool:
        return bool(self._execute("SELECT pg_try_advisory_lock(:key)", name))

    def _execute(self, statement: str, name: str) -> object:
        connection = self._connect()
        try:
            value = connection.execute(text(statement), {"key": self._key(name)}).scalar()
            connection.commit()
        except Exception:
            self._drop_connection()
            raise
        return value

    def _connect(self) -> Connection:
        if self._connection is None:
            self._connection = self.engine.connect()
            schema = self._connection.execute(text("SELECT current_schema()")).scalar()
            self._connection.commit()
            self._namespace = f"{self.engine.url.database}/{schema}"
        return self._connection

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
                connection.close()
            except Exception:  # the connection is gone already
                log.debug("closing the lock connection failed", exc_info=True)
        self._held = {name: handle for name, handle in self._held.items() if handle is not None}

    def _key(self, name: str) -> int:
        digest = hashlib.sha256(f"{self._namespace}/{name}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    # -- SQLite ----------------------------------------------------------------------------

    def _file(self, name: str) -> Path:
        assert self._folder is not None
        return self._folder / hashlib.sha256(name.encode()).hexdigest()[:32]

    def _lock_file(self, name: str) -> IO[str] | None:
        assert self._folder is not None
        self._folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = self._file(name).open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        os.set_inheritable(handle.fileno(), False)
        return handle
