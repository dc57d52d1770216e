"""`barcamp-bot export` and `barcamp-bot demo`: files from a terminal, without a messenger."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from bot.bootstrap import App
from bot.cli import app as cli_app
from bot.demo import TOPICS, DemoSize, run_demo
from bot.settings import Settings
from handlers.barcamp.agenda_files import FORMATS
from handlers.core.i18n import catalogues
from schedules.barcamp.exports import EXPORTERS
from storage.uow import UnitOfWork
from tests.integration.bot.test_cli import cli
from tests.support.day import (
    MakePerson,
    camp_with,
    fast_planner,  # noqa: F401  (the fixture, used below by name)
    propose_approved,
)
from tests.support.exports import assert_readable
from tests.unit.core.test_flow import t

pytestmark = pytest.mark.usefixtures("fast_planner")
TITLES = ("Skatepark am See", "Mehr Busse am Abend")
DEMO_FILES = {EXPORTERS[name].filename for name in FORMATS}
DEMO_SIZE = DemoSize(people=12, sessions=10, seed=3)


@pytest.fixture
async def published_code(app: App, people: MakePerson) -> str:
    """A camp with two sessions, planned and published through the chat; its join code."""
    orga, members = await camp_with(people, ("Ana", "de"))
    await propose_approved(orga, (members["Ana"], TITLES[0]), (orga, TITLES[1]))
    for command in ("/voting close", "/plan", "/publish"):
        await orga.says(command)
    with UnitOfWork(app.engine) as uow:
        event = uow.events.get(1)
        assert event is not None
        return event.code


def run(url: str, *arguments: str) -> tuple[int, bytes, str]:
    """The CLI in this process (fast), for what a subprocess would not show better."""
    result = CliRunner().invoke(cli_app, list(arguments), env={"BARCAMP_DATABASE_URL": url})
    return result.exit_code, result.stdout_bytes, result.stderr


async def test_export_writes_to_standard_output_and_to_a_file(
    tmp_path: Path, sqlite_url: str, published_code: str
) -> None:
    on_stdout = cli(tmp_path, "export", "--event", published_code, "--format", "xml",
                    BARCAMP_DATABASE_URL=sqlite_url)  # fmt: skip
    assert on_stdout.returncode == 0, on_stdout.stderr
    assert_readable("xml", on_stdout.stdout.encode("utf-8"), TITLES)
    # Join codes are forgiving about case, as in chat; -o writes the file and says so.
    to_file = cli(tmp_path, "export", "--event", published_code.lower(), "--format", "png",
                  "-o", "grid.png", BARCAMP_DATABASE_URL=sqlite_url)  # fmt: skip
    assert to_file.returncode == 0, to_file.stderr
    picture = (tmp_path / "grid.png").read_bytes()
    assert_readable("png", picture)
    assert to_file.stdout.strip() == t("de", "export.written", path="grid.png", size=len(picture))


async def test_binary_safe_standard_output(sqlite_url: str, published_code: str) -> None:
    code, output, _ = run(sqlite_url, "export", "--event", published_code, "--format", "ics")
    assert code == 0
    assert output.count(b"\r\n") > 10, "iCalendar lines end in CRLF, untouched"
    events = Calendar.from_ical(output).walk("VEVENT")
    assert sorted(str(event["SUMMARY"]) for event in events) == sorted(TITLES)
    assert {str(event["STATUS"]) for event in events} == {"CONFIRMED"}


async def test_bad_format_event_or_file_is_one_line_and_exit_code_1(
    tmp_path: Path, sqlite_url: str, published_code: str
) -> None:
    formats = ", ".join(FORMATS)
    cases = [
        (("--event", published_code, "--format", "pdf"),
         t("de", "export.unknown_format", value="pdf", formats=formats)),
        (("--event", "ZZZZZZ", "--format", "md"),
         t("de", "export.unknown_event", code="ZZZZZZ")),
        (("--event", published_code, "--format", "md", "-o", str(tmp_path / "no" / "a.md")),
         t("de", "export.write_failed", path=tmp_path / "no" / "a.md",
           reason="No such file or directory")),
    ]  # fmt: skip
    for arguments, message in cases:
        code, output, errors = run(sqlite_url, "export", *arguments)
        assert (code, output, errors) == (1, b"", message + "\n")


def test_a_draft_camp_exports_with_the_draft_notice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    created = run(url, "camp", "create", "--name", "Camp am See", "--date", "2027-06-13",
                  "--rooms", "Aula:60", "--slots", "10:00-10:45")  # fmt: skip
    assert created[0] == 0, created[2]
    code = re.findall(r"/join ([A-Z2-9]{6})", created[1].decode())[0]
    exit_code, output, _ = run(url, "export", "--event", code, "--format", "md")
    assert exit_code == 0
    assert t("de", "exports.draft_notice") in output.decode("utf-8")


def test_demo_writes_every_format_quickly_without_touching_the_store(tmp_path: Path) -> None:
    configured = tmp_path / "configured.sqlite3"
    size = DEMO_SIZE
    started = time.perf_counter()
    result = cli(tmp_path, "demo", "--out", "out", "--people", str(size.people),
                 "--sessions", str(size.sessions), "--seed", str(size.seed),
                 BARCAMP_DATABASE_URL=f"sqlite:///{configured}")  # fmt: skip
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert seconds < 30, f"the demo took {seconds:.1f} s"
    assert not configured.exists(), "the demo uses a store of its own"
    out = tmp_path / "out"
    assert {path.name for path in out.iterdir()} == DEMO_FILES
    titles = [title for title, _ in TOPICS[: size.sessions]]
    for format_name in FORMATS:
        assert_readable(format_name, (out / EXPORTERS[format_name].filename).read_bytes(), titles)
    calendar = Calendar.from_ical((out / "agenda.ics").read_bytes())
    assert len(calendar.walk("VEVENT")) == size.sessions
    lines = result.stdout.splitlines()
    assert lines[-1] == t("de", "demo.next")
    assert lines[-2] == t("de", "demo.board_hint", code=lines[0].split("Code ")[1][:6])
    assert [Path(line.strip()).name for line in lines[1:-2]] == [
        EXPORTERS[name].filename for name in FORMATS
    ]
    # The same seed gives the same files, byte for byte.
    again = tmp_path / "again"
    settings = Settings(database_url=f"sqlite:///{configured}", _env_file=None)  # type: ignore[call-arg]
    run_demo(settings, again, size, catalogues())
    for name in DEMO_FILES:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    assert not configured.exists()


def test_demo_into_a_file_instead_of_a_folder_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder", encoding="utf-8")
    code, output, errors = run(f"sqlite:///{tmp_path / 'x.sqlite3'}", "demo", "--out", str(blocker))
    assert (code, output) == (1, b"")
    assert errors == t("de", "export.write_failed", path=blocker, reason="File exists") + "\n"
