"""Four processes start at the same moment on a fresh store: each runs `barcamp-bot db
upgrade` (what every start does first), all succeed and the schema is at head.

The processes import the bot, say they are ready and wait for one signal, so their
upgrades begin within milliseconds of each other, as after a deploy or a reboot.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from storage.db import make_engine
from storage.migrate import current_revision, head_revision
from tests.support.store import POSTGRES_URL

PROCESSES = 4
# Imports first, then the CLI's `db upgrade` once the test says "go".
CHILD = """
import sys
from bot.cli import app
print("ready", flush=True)
sys.stdin.readline()
app(["db", "upgrade"], prog_name="barcamp-bot")
"""


@pytest.fixture
def fresh_postgres_database() -> Iterator[str]:
    """A database of its own: the race is about creating `alembic_version` itself."""
    plain = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        admin = psycopg.connect(plain, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server answers at {POSTGRES_URL}: {error}")
    name = f"test_start_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def start_together(database_url: str, cwd: Path) -> list[subprocess.CompletedProcess[str]]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("BARCAMP_")
    }
    environment["BARCAMP_DATABASE_URL"] = database_url
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD],
            cwd=cwd,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = []
    for child in children:
        stdout, stderr = child.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr))
    return results


def assert_all_at_head(database_url: str, cwd: Path) -> None:
    results = start_together(database_url, cwd)
    assert [result.returncode for result in results] == [0] * PROCESSES, [
        result.stderr[-2000:] for result in results if result.returncode
    ]
    assert all("Database is up to date." in result.stdout for result in results)
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
        assert {"event", "person", "poll", "campsettings"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_processes_starting_together_on_fresh_sqlite(tmp_path: Path) -> None:
    assert_all_at_head(f"sqlite:///{tmp_path / 'data' / 'barcamp.sqlite3'}", tmp_path)


@pytest.mark.postgres
def test_processes_starting_together_on_fresh_postgres(
    fresh_postgres_database: str, tmp_path: Path
) -> None:
    assert_all_at_head(fresh_postgres_database, tmp_path)
