"""`barcamp-bot council create` and `council meeting add`, through Typer's runner on a
real store (SQLite and PostgreSQL): what they print, what they store, what they refuse."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, func
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from handlers.core.i18n import catalogues
from handlers.core.message_bus import Effects, handles
from handlers.council.council_events import MeetingScheduled
from storage.core.shared_tables import Event, EventKind, Membership, Person, Role
from storage.council.council_tables import CouncilSettings, Meeting, QuorumRule
from storage.db import make_engine
from storage.migrate import upgrade
from storage.uow import UnitOfWork
from tests.support.store import raw_session

Run = Callable[..., Result]
NEXT_YEAR = date.today().year + 1
# What the bus gave MeetingScheduled's subscribers: (council id, meeting id).
SCHEDULED: list[tuple[int, int]] = []


@handles(MeetingScheduled)
def _seen(scheduled: MeetingScheduled, effects: Effects) -> None:
    SCHEDULED.append((scheduled.event_id, scheduled.meeting_id))


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """The store, migrated: so that a refusal before the CLI opens it can be counted."""
    engine = make_engine(store_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def run(store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """The CLI on the test store, with no other setting from the environment."""
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith("BARCAMP_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("BARCAMP_DATABASE_URL", store_url)

    def invoke(*arguments: str) -> Result:
        return CliRunner().invoke(app, list(arguments))

    return invoke


def create(run: Run, *options: str) -> str:
    """`council create` with the options; the join code it printed."""
    result = run("council", "create", "Jugendrat Musterstadt", *options)
    assert result.exit_code == 0, result.output
    return result.stdout.strip().rsplit(" ", 1)[-1]


def counts(engine: Engine) -> tuple[int, int]:
    with raw_session(engine) as session:
        events = session.exec(select(func.count()).select_from(Event)).one()
        meetings = session.exec(select(func.count()).select_from(Meeting)).one()
    return events, meetings


def test_council_create_with_every_option(run: Run, engine: Engine) -> None:
    result = run(
        "council",
        "create",
        "Jugendrat Musterstadt",
        *("--place", "Rathaus", "--timezone", "europe/vienna"),
        *("--quorum", "60%", "--organiser", "telegram:4242", "--organiser", "matrix:@o:x.org"),
    )
    assert result.exit_code == 0, result.output
    with raw_session(engine) as session:
        [(event, settings)] = session.exec(
            select(Event, CouncilSettings).join(
                CouncilSettings, CouncilSettings.event_id == Event.id
            )
        ).all()
        roles = session.exec(select(Membership.role)).all()
    assert result.stdout == t("cli.council_created", name=event.name, code=event.code) + "\n"
    assert (event.kind, event.name, event.place) == (
        EventKind.COUNCIL,
        "Jugendrat Musterstadt",
        "Rathaus",
    )
    assert event.timezone == "Europe/Vienna"
    assert (settings.quorum_rule, settings.quorum_value) == (QuorumRule.PERCENT, 60)
    assert roles == [Role.ORGANISER, Role.ORGANISER]
    with UnitOfWork(engine) as uow:
        organiser = uow.people.by_identity("telegram", "4242")
        assert organiser is not None
        assert organiser.id is not None
        # Only the platform id until they agree to the privacy notice with /start.
        assert organiser.display_name == ""
        assert not uow.people.has_consent(organiser.id, 1)
        assert organiser.active_event_id == event.id


def test_council_create_defaults(run: Run, engine: Engine) -> None:
    create(run)
    with raw_session(engine) as session:
        event = session.exec(select(Event)).one()
        settings = session.exec(select(CouncilSettings)).one()
        assert session.exec(select(Person)).all() == []
    assert (event.place, event.timezone) == ("", "Europe/Berlin")
    assert settings.quorum_rule is QuorumRule.MAJORITY


@pytest.mark.parametrize(
    ("arguments", "key", "values"),
    [
        (("x",), "input.camp_name_short", {}),
        (("<b>Rat</b>",), "input.markup", {}),
        (
            ("Jugendrat", "--timezone", "Mars/Olympus"),
            "input.time_zone",
            {"example": "Europe/Berlin"},
        ),
        (("Jugendrat", "--quorum", "101%"), "council.quorum_percent", {}),
        (("Jugendrat", "--quorum", "viele"), "council.quorum_format", {}),
        (("Jugendrat", "--organiser", "4242"), "cli.organiser_format", {"value": "4242"}),
    ],
)
def test_council_create_refuses_bad_input(
    run: Run, engine: Engine, arguments: tuple[str, ...], key: str, values: dict[str, str]
) -> None:
    result = run("council", "create", *arguments)
    assert result.exit_code == 1
    assert result.stderr == t(key, **values) + "\n"
    assert counts(engine) == (0, 0)


def test_meeting_add_stores_the_meeting_and_raises_its_event(run: Run, engine: Engine) -> None:
    code = create(run, "--timezone", "Europe/Berlin")
    start = f"{NEXT_YEAR}-01-12 17:00"
    result = run(
        "council", "meeting", "add", code.lower(), "--title", "Erste Sitzung", "--start", start
    )
    assert result.exit_code == 0, result.output
    expected = t(
        "cli.meeting_added",
        number=1,
        council="Jugendrat Musterstadt",
        title="Erste Sitzung",
        start=start,
        minutes=90,
    )
    assert result.stdout == expected + "\n"
    second = run(
        "council",
        "meeting",
        "add",
        code,
        "--title",
        "Zweite Sitzung",
        "--start",
        f"12.02.{NEXT_YEAR} 18.30",
        "--minutes",
        "120",
        "--place",
        "Rathaus, Saal 2",
    )
    assert second.exit_code == 0, second.output
    with raw_session(engine) as session:
        council = session.exec(select(Event)).one()
        meetings = session.exec(select(Meeting).order_by(Meeting.number)).all()  # type: ignore[arg-type]
    assert [(m.number, m.title, m.place, m.duration_minutes, m.rrule) for m in meetings] == [
        (1, "Erste Sitzung", "", 90, None),
        (2, "Zweite Sitzung", "Rathaus, Saal 2", 120, None),
    ]
    # Wall-clock times in the council's zone, as typed.
    assert [m.starts_at for m in meetings] == [
        datetime(NEXT_YEAR, 1, 12, 17, 0),
        datetime(NEXT_YEAR, 2, 12, 18, 30),
    ]
    assert len({m.uid for m in meetings}) == 2
    assert [(council.id, m.id) for m in meetings] == SCHEDULED[-2:]


@pytest.mark.parametrize(
    ("arguments", "key", "values"),
    [
        (("ZZZZZZ", "--start", "{year}-01-12 17:00"), "cli.no_council", {"code": "ZZZZZZ"}),
        (("{camp}", "--start", "{year}-01-12 17:00"), "cli.no_council", {"code": "{camp}"}),
        (("{code}", "--start", "2020-01-12 17:00"), "meeting.past", {}),
        (("{code}", "--start", "{year}-01-12"), "meeting.when_format", {}),
        (("{code}", "--start", "{year}-01-12 25:00"), "meeting.when_format", {}),
        (("{code}", "--start", "{year}-02-30 17:00"), "input.date_format", {}),
        (
            ("{code}", "--start", "{year}-01-12 17:00", "--minutes", "0"),
            "meeting.length",
            {"shortest": 10, "longest": 12},
        ),
        (
            ("{code}", "--start", "{year}-01-12 17:00", "--place", "x" * 121),
            "input.place_long",
            {"maximum": 120},
        ),
    ],
)
def test_meeting_add_refuses_bad_input(
    run: Run, engine: Engine, arguments: tuple[str, ...], key: str, values: dict[str, object]
) -> None:
    code = create(run)
    camp = run(
        "camp",
        "create",
        "--name",
        "BarCamp",
        "--date",
        f"{NEXT_YEAR}-06-13",
        "--rooms",
        "Aula:60",
        "--slots",
        "10:00-10:45",
    )
    camp_code = camp.stdout.strip().split()[-1]
    assert camp.exit_code == 0, camp.output
    fill = {"code": code, "camp": camp_code, "year": NEXT_YEAR}
    before = counts(engine)
    typed = [argument.format(**fill) for argument in arguments]
    result = run("council", "meeting", "add", typed[0], "--title", "Sitzung", *typed[1:])
    assert result.exit_code == 1, result.output
    shown = {name: str(value).format(**fill) for name, value in values.items()}
    assert result.stderr == t(key, **shown) + "\n"
    assert counts(engine) == before
