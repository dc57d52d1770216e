"""The organiser's terminal: camps from options and TOML files, migrations, settings errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from handlers.core.i18n import catalogues
from storage.barcamp.camp_tables import Room, Slot
from storage.core.shared_tables import Event, Membership, Role
from storage.db import make_engine
from storage.migrate import current_revision, head_revision
from storage.uow import UnitOfWork
from tests.support.store import raw_session
from tests.support.telegram_api import serve_in_thread

CAMP_TOML = """
name = "Jugend-BarCamp Musterstadt"
date = 2027-06-13
place = "Jugendhaus"
rooms = [{ name = "Aula", capacity = 60 }, "Raum 1:20"]
slots = ["10:00-10:45", "11:00-11:45", "12:00-13:00 Pause", "2027-06-14 10:00-10:45"]
organisers = ["telegram:4242"]
"""


def cli(tmp_path: Path, *arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("BARCAMP_")
    }
    environment |= {"BARCAMP_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"} | env
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def events(tmp_path: Path) -> list[Event]:
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with raw_session(engine) as session:
        return list(session.exec(select(Event)))


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    result = cli(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert current_revision(make_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")) == head_revision()


def test_camp_import_from_toml(tmp_path: Path) -> None:
    (tmp_path / "camp.toml").write_text(CAMP_TOML, encoding="utf-8")
    result = cli(tmp_path, "camp", "import", "camp.toml")
    assert result.returncode == 0, result.stderr
    (event,) = events(tmp_path)
    expected = catalogues().text("de", "newcamp.done", name=event.name, code=event.code)
    assert result.stdout.strip() == expected
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with raw_session(engine) as session:
        rooms = session.exec(select(Room).order_by(Room.position)).all()
        assert [(r.name, r.capacity) for r in rooms] == [("Aula", 60), ("Raum 1", 20)]
        slots = session.exec(select(Slot)).all()
        assert sorted((s.starts_at.isoformat(), s.blocked) for s in slots)[-1] == (
            "2027-06-14T10:00:00",
            False,
        )
        assert sum(s.blocked for s in slots) == 1
        (membership,) = session.exec(select(Membership)).all()
        assert membership.role == Role.ORGANISER
    with UnitOfWork(engine) as uow:
        organiser = uow.people.by_identity("telegram", "4242")
        assert organiser is not None
        assert organiser.id == membership.person_id


def test_camp_create_from_options_in_english(tmp_path: Path) -> None:
    result = cli(
        tmp_path,
        "camp",
        "create",
        "--name",
        "Youth Camp",
        "--date",
        "13.06.2027",
        "--rooms",
        "Hall:80",
        "--slots",
        "10:00-11:00",
        BARCAMP_DEFAULT_LANGUAGE="en",
    )
    assert result.returncode == 0, result.stderr
    (event,) = events(tmp_path)
    assert result.stdout.strip().startswith("🎉 “Youth Camp” is set up")
    assert event.code in result.stdout


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('name = "Camp"\ndate = 2027-06-13\nslots = "10:00-11:00"\n', "„rooms“"),
        (CAMP_TOML.replace('"Raum 1:20"', '"Raum 1"'), "„Raum 1“ verstehe ich nicht"),
        (CAMP_TOML.replace("10:00-10:45", "10:45-10:00"), "endet der Slot, bevor"),
        (CAMP_TOML + 'timezone = "Mars/Olympus"\n', "Mars/Olympus"),
        ("name = [unclosed", "camp.toml"),
    ],
)
def test_bad_camp_files_are_explained_and_change_nothing(
    tmp_path: Path, toml: str, message: str
) -> None:
    (tmp_path / "camp.toml").write_text(toml, encoding="utf-8")
    result = cli(tmp_path, "camp", "import", "camp.toml")
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "cli.sqlite3").exists() or events(tmp_path) == []


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BARCAMP_TIMEZONE", "Mars/Olympus"),
        ("BARCAMP_DEFAULT_LANGUAGE", "fr"),
        ("BARCAMP_DATABASE_URL", "mysql://nope"),
        ("BARCAMP_LOG_LEVEL", "LOUD"),
    ],
)
def test_an_invalid_setting_is_one_line_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = cli(tmp_path, "db", "upgrade", **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Configuration error: {variable}:")


def test_settings_come_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BARCAMP_DEFAULT_LANGUAGE=en\n", encoding="utf-8")
    result = cli(
        tmp_path,
        "camp",
        "create",
        "--name",
        "Dotenv Camp",
        "--date",
        "2027-06-13",
        "--rooms",
        "Hall:10",
        "--slots",
        "10:00-11:00",
    )
    assert result.returncode == 0, result.stderr
    assert "is set up" in result.stdout


def test_run_exits_with_an_error_when_an_adapter_fails(tmp_path: Path) -> None:
    """A wrong bot token stops the Telegram adapter: the process must not exit 0, so a
    supervisor (systemd, Docker) sees the failure and the operator reads why."""
    with serve_in_thread() as server:
        result = cli(
            tmp_path,
            "run",
            BARCAMP_TELEGRAM_TOKEN="123456:not-a-known-token",
            BARCAMP_TELEGRAM_API_URL=server.url,
        )
    assert result.returncode == 1
    assert "adapter telegram stopped" in result.stderr
    assert "Traceback" in result.stderr  # the log line carries the cause for the operator
