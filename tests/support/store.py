"""Stores for tests: a fresh SQLite file, or a throwaway schema on the PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import psycopg
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from storage.db import write_lock

POSTGRES_URL = os.environ.get(
    "BARCAMP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _plain_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections live in a new schema, dropped afterwards."""
    try:
        admin = psycopg.connect(_plain_dsn(POSTGRES_URL), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server answers at {POSTGRES_URL}: {error}")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@contextmanager
def raw_session(engine: Engine) -> Iterator[Session]:
    """A plain ORM session for tests that look at (or set up) rows directly, where the
    bot goes through a unit of work's repositories. Committed at the end, and on SQLite
    under the same in-process write lock as a unit of work."""
    with write_lock(engine) or nullcontext(), Session(engine, expire_on_commit=False) as session:
        yield session
        session.commit()
