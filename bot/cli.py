"""`barcamp-bot`: run the bot, migrate the store, and set up camps from a terminal."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import logging.handlers
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from bot.bootstrap import App, bootstrap, live_board, upgrade_store
from bot.demo import MAX_SESSIONS, DemoReport, DemoSize, demo_day_clock, run_demo
from bot.runtime import build_adapters, build_services, freeze_startup_heap, run_bot
from bot.settings import Settings, SettingsError, load_settings
from bot.web import WebServer, WebService
from handlers.barcamp.agenda_files import check_format, export_event
from handlers.barcamp.camp_input import rooms, slots
from handlers.barcamp.camps import CampInput, create_camp
from handlers.core.event_time import local_now
from handlers.core.i18n import catalogues
from handlers.core.join_codes import normalise_code
from handlers.core.message_bus import Effects
from handlers.core.validation import (
    InputError,
    calendar_date,
    event_name,
    event_place,
    time_zone,
)
from handlers.council.councils import CouncilInput, create_council
from handlers.council.meeting_input import meeting_start
from handlers.council.meeting_planning import MeetingInput, schedule_meeting
from handlers.council.quorum import parse_quorum
from schedules.barcamp.planner import InstanceError
from schedules.barcamp.planner.io import plan_file
from storage.core.shared_tables import Event, EventKind
from storage.uow import UnitOfWork

app = typer.Typer(help="A messenger bot for Jugend-BarCamps and youth councils.")
db_app = typer.Typer(help="The store: migrations.")
camp_app = typer.Typer(help="Set up camps without a messenger.")
council_app = typer.Typer(help="Set up youth councils and their meetings without a messenger.")
meeting_app = typer.Typer(help="A council's meetings.")
app.add_typer(db_app, name="db")
app.add_typer(camp_app, name="camp")
app.add_typer(council_app, name="council")
council_app.add_typer(meeting_app, name="meeting")


def main() -> None:
    app()


@contextmanager
def _friendly_errors(settings: Settings | None = None) -> Iterator[None]:
    """Settings and input problems end in one clear line, not a traceback."""
    try:
        yield
    except SettingsError as error:
        typer.echo(f"Configuration error: {error}", err=True)
        raise typer.Exit(2) from None
    except InputError as error:
        language = settings.default_language if settings else "de"
        typer.echo(catalogues().text(language, error.key, **error.values), err=True)
        raise typer.Exit(1) from None


def _settings() -> Settings:
    with _friendly_errors():
        return load_settings()


@app.command()
def run() -> None:
    """Start every configured adapter; the console when no platform is configured."""
    settings = _settings()
    _configure_logging(settings)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every request with its URL, and Telegram's URLs carry the bot's token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = bootstrap(settings)
    try:
        adapters = build_adapters(application)
    except ImportError as error:  # a platform package that is not installed
        typer.echo(f"Cannot start an adapter: {error}", err=True)
        raise typer.Exit(2) from None
    services = build_services(settings)
    if settings.web_enabled:
        assert settings.web_listen is not None
        services.append(WebService(settings.web_listen, live_board))
    freeze_startup_heap()
    if not asyncio.run(run_bot(application, adapters, services)):
        raise typer.Exit(1)  # an adapter failed: a supervisor should restart us


LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"
LOG_FILE = "barcamp-bot.log"
LOG_FILE_BYTES, LOG_FILES_KEPT = 1_000_000, 3


def _configure_logging(settings: Settings) -> None:
    """Logs to the terminal; with the console adapter, to a file in the data folder.

    The console's terminal is the chat: log lines there (the scheduler's every few
    seconds) would interleave with it, so only warnings and errors show beside it.
    """
    if settings.telegram_enabled or settings.matrix_enabled:
        logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
        return
    path = Path(settings.data_dir) / LOG_FILE
    with _writable(settings, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILES_KEPT, encoding="utf-8"
        )
    to_terminal = logging.StreamHandler()
    to_terminal.setLevel(logging.WARNING)
    logging.basicConfig(
        level=settings.log_level, format=LOG_FORMAT, handlers=[to_file, to_terminal]
    )


@app.command("web")
def web_command() -> None:
    """Serve only the live board's pages (BARCAMP_WEB_LISTEN), on the configured store."""
    settings = _settings()
    if not settings.web_listen:
        typer.echo(
            "Configuration error: BARCAMP_WEB_LISTEN: required, e.g. 127.0.0.1:8080", err=True
        )
        raise typer.Exit(2)
    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    server = WebServer(live_board(bootstrap(settings)), settings.web_listen)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(server.serve_forever())


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to the configured database."""
    settings = _settings()
    upgrade_store(settings)
    typer.echo("Database is up to date.")


@app.command("plan")
def plan_command(
    input_file: Annotated[Path, typer.Option("--input", help="planner input (docs/planner.md)")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, max=3600, help="seconds to search")
    ] = 10.0,
) -> None:
    """Plan a session grid from a JSON file and print the result as JSON."""
    try:
        typer.echo(plan_file(input_file, time_limit))
    except InstanceError as error:
        typer.echo(
            f"{input_file}: {error}" if error.where != str(input_file) else str(error), err=True
        )
        raise typer.Exit(1) from None


@app.command("export")
def export_command(
    code: Annotated[str, typer.Option("--event", help="join code of the camp")],
    format_name: Annotated[
        str, typer.Option("--format", help="md, html, ics, csv, xml, json or png")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file; standard output without")
    ] = None,
) -> None:
    """Export a camp's agenda; before /publish the file says it is a draft."""
    settings = _settings()
    language = settings.default_language
    with _friendly_errors(settings):
        check_format(format_name)
        application = bootstrap(settings)
        with application.uow_factory() as uow:
            export = export_event(
                uow, code, format_name, catalogues(), language, application.clock.now
            )
    if output is None:
        sys.stdout.buffer.write(export.content)
        sys.stdout.buffer.flush()
        return
    with _writable(settings, output):
        output.write_bytes(export.content)
    size = len(export.content)
    typer.echo(catalogues().text(language, "export.written", path=output, size=size))


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="folder for the seven files")],
    people: Annotated[int, typer.Option(min=1, max=300, help="participants")] = DemoSize.people,
    sessions: Annotated[
        int, typer.Option(min=1, max=MAX_SESSIONS, help="sessions they propose")
    ] = DemoSize.sessions,
    seed: Annotated[int, typer.Option(min=0, help="same seed, same files")] = DemoSize.seed,
    serve: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="serve the camp's live board on this port"),
    ] = None,
    council: Annotated[
        bool, typer.Option("--council", help="then the youth council's first months")
    ] = False,
) -> None:
    """A whole BarCamp in seconds, without a messenger: every export format into OUT;
    with --serve PORT its live board stays on 127.0.0.1:PORT until Ctrl+C."""
    settings = _settings()
    language = settings.default_language
    with _friendly_errors(settings), _writable(settings, out):
        report = run_demo(
            settings,
            out,
            DemoSize(people, sessions, seed, council),
            catalogues(),
            on_done=None if serve is None else functools.partial(_serve_demo, serve, language),
        )
    if serve is None:
        for line in report.lines(catalogues(), language):
            typer.echo(line)


def _serve_demo(port: int, language: str, application: App, report: DemoReport) -> None:
    """The demo's camp day, served: its clock runs from the first session's start."""
    for line in report.lines(catalogues(), language):
        typer.echo(line)
    base = f"http://127.0.0.1:{port}/e/{report.code}"
    typer.echo(
        catalogues().text(language, "demo.serving", board=f"{base}/board", agenda=f"{base}/agenda")
    )
    clock = demo_day_clock(application.settings.timezone)
    board = live_board(application, clock=clock, tick_seconds=5.0)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(WebServer(board, f"127.0.0.1:{port}").serve_forever())


@contextmanager
def _writable(settings: Settings, path: Path) -> Iterator[None]:
    """A file or folder that cannot be written ends in one line, not a traceback."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        text = catalogues().text(
            settings.default_language, "export.write_failed", path=path, reason=reason
        )
        typer.echo(text, err=True)
        raise typer.Exit(1) from None


@camp_app.command("create")
def camp_create(
    name: Annotated[str, typer.Option(help="Name of the BarCamp")],
    day: Annotated[str, typer.Option("--date", help="Day, e.g. 2027-06-13")],
    rooms_text: Annotated[str, typer.Option("--rooms", help='e.g. "Aula:60, Raum 1:20"')],
    slots_text: Annotated[
        str, typer.Option("--slots", help='e.g. "10:00-10:45, 12:00-13:00 Pause"')
    ],
    place: Annotated[str, typer.Option(help="Where it takes place")] = "",
    organiser: Annotated[
        list[str] | None, typer.Option(help="PLATFORM:ID of an organiser, e.g. telegram:123")
    ] = None,
) -> None:
    """Create a camp and print its join code."""
    raw = {"name": name, "date": day, "place": place, "rooms": rooms_text, "slots": slots_text}
    _create(raw, organiser or [])


@camp_app.command("import")
def camp_import(path: Annotated[Path, typer.Argument(help="camp.toml")]) -> None:
    """Create a camp described in a TOML file (see README)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        typer.echo(f"{path}: {error}", err=True)
        raise typer.Exit(1) from None
    _create(raw, [str(item) for item in raw.get("organisers", [])])


def _create(raw: dict[str, Any], organisers: list[str]) -> None:
    settings = _settings()
    with _friendly_errors(settings):
        camp = _camp_input(raw, settings.timezone)
        application = bootstrap(settings)
        with application.uow_factory() as uow:
            organiser_ids = [_person_for(uow, handle) for handle in organisers]
            event = create_camp(uow, camp, organiser_ids, datetime.now(UTC))
            name, code = event.name, event.code
    typer.echo(catalogues().text(settings.default_language, "newcamp.done", name=name, code=code))


@council_app.command("create")
def council_create(
    name: Annotated[str, typer.Argument(help="Name of the youth council")],
    place: Annotated[str, typer.Option(help="Where it usually meets")] = "",
    timezone: Annotated[
        str | None, typer.Option(help="IANA time zone; BARCAMP_TIMEZONE without")
    ] = None,
    quorum: Annotated[
        str, typer.Option(help='members needed to decide: "5", "60%" or "-" (more than half)')
    ] = "-",
    organiser: Annotated[
        list[str] | None, typer.Option(help="PLATFORM:ID of an organiser, e.g. telegram:123")
    ] = None,
) -> None:
    """Create a youth council and print its join code."""
    settings = _settings()
    with _friendly_errors(settings):
        council = CouncilInput(
            name=event_name(name),
            place=event_place(place),
            timezone=time_zone(timezone, settings.timezone) if timezone else settings.timezone,
            quorum=parse_quorum(quorum),
        )
        application = bootstrap(settings)
        with application.uow_factory() as uow:
            organiser_ids = [_person_for(uow, handle) for handle in organiser or []]
            event = create_council(uow, council, organiser_ids, application.clock.now())
            name, code = event.name, event.code
    text = catalogues().text(settings.default_language, "cli.council_created", name=name, code=code)
    typer.echo(text)


@meeting_app.command("add")
def meeting_add(
    code: Annotated[str, typer.Argument(help="join code of the council")],
    title: Annotated[str, typer.Option(help="what the meeting is called")],
    start: Annotated[str, typer.Option(help='wall-clock time there, e.g. "2027-01-12 17:00"')],
    minutes: Annotated[
        int | None, typer.Option(help="how long; the council's setting (90) without")
    ] = None,
    place: Annotated[str, typer.Option(help="a room, an address or an online link")] = "",
) -> None:
    """Add a one-off meeting to a council; its members are told as after /meeting add."""
    settings = _settings()
    with _friendly_errors(settings):
        meeting_title, meeting_place = event_name(title), event_place(place)
        application = bootstrap(settings)
        now = application.clock.now()
        with application.uow_factory() as uow:
            council = _council(uow, code)
            assert council.id is not None
            # The same grammar as `/meeting add`: the start, then the length if given.
            when = start if minutes is None else f"{start} {minutes}"
            starts_at, length = meeting_start(when, local_now(council, now))
            meeting = MeetingInput(
                title=meeting_title,
                starts_at=starts_at,
                duration_minutes=length or uow.council_settings.of(council.id).meeting_minutes,
                place=meeting_place,
            )
            stored, scheduled = schedule_meeting(uow, council.id, meeting, now)
            # As the router does after a command: the event's handlers in this transaction
            # (the members' notices go to the outbox, for the running bot to deliver).
            router = application.router
            router.bus.handle([scheduled], Effects(uow, now, router.catalogues, router.config))
            values = {"number": stored.number, "council": council.name, "title": stored.title}
    typer.echo(
        catalogues().text(
            settings.default_language,
            "cli.meeting_added",
            start=f"{meeting.starts_at:%Y-%m-%d %H:%M}",
            minutes=meeting.duration_minutes,
            **values,
        )
    )


def _council(uow: UnitOfWork, code: str) -> Event:
    event = uow.events.by_code(normalise_code(code))
    if event is None or event.kind is not EventKind.COUNCIL:
        raise InputError("cli.no_council", code=code[:16])
    return event


def _camp_input(raw: dict[str, Any], timezone: str) -> CampInput:
    missing = [key for key in ("name", "date", "rooms", "slots") if key not in raw]
    if missing:
        raise InputError("cli.missing_field", field=missing[0])
    day_value = raw["date"]
    day = day_value if isinstance(day_value, date) else calendar_date(str(day_value))
    return CampInput(
        name=event_name(str(raw["name"])),
        starts_on=day,
        place=event_place(str(raw.get("place", ""))),
        rooms=rooms(_joined(raw["rooms"])),
        slots=slots(_joined(raw["slots"]), day),
        timezone=_timezone(str(raw.get("timezone", timezone))),
    )


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError("cli.timezone", value=name[:64]) from None
    return name


def _joined(value: object) -> str:
    """TOML may give a list (["Aula:60", "Raum 1:20"]) where chat gives one line."""
    if isinstance(value, list):
        return ", ".join(
            f"{item.get('name', '')}:{item.get('capacity', '')}"
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    return str(value)


def _person_for(uow: UnitOfWork, handle: str) -> int:
    platform, separator, user_id = handle.partition(":")
    if not separator or not platform or not user_id:
        raise InputError("cli.organiser_format", value=handle[:40])
    person = uow.people.by_identity(platform, user_id) or uow.people.create_with_identity(
        platform, user_id, datetime.now(UTC)
    )
    assert person.id is not None
    return person.id
