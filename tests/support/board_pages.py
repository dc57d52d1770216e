"""Helpers for the live board's tests: a published camp, and its pages served on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp.test_utils import unused_port
from sqlmodel import select

from bot.bootstrap import App, bootstrap, live_board
from bot.settings import Settings
from bot.web import WebServer
from schedules.core.clock import ManualClock
from storage.barcamp.camp_tables import Proposal
from tests.integration.core.test_store import chat_people
from tests.support.chat import Person
from tests.support.day import propose_approved
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp

BASE_URL = "https://board.example.org"
HOSTS = ("Ana", "Ben", "Cem", "Dana", "Emil", "Fatma")
TITLES = ("Skatepark am See", "Mehr Busse am Abend", "Jugendraum renovieren", "Jugendrat")


def web_app(url: str, clock: ManualClock) -> App:
    """The bot's core with the live board's public address set (for /board, /mine link)."""
    settings = Settings(database_url=url, web_base_url=BASE_URL, _env_file=None)  # type: ignore[call-arg]
    return bootstrap(settings, clock=clock)


async def published_camp(app: App, titles: tuple[str, ...] = TITLES) -> tuple[Person, str]:
    """The organiser's camp (tests.unit.core.test_flow.create_camp: three rooms, slots at
    10, 11, a break at 12 and 13 on 2027-06-13) with `titles` voted, planned, published."""
    person: Callable[[str], Person] = chat_people(app)
    orga = person("Orga")
    code = await create_camp(orga, "de")
    hosts = [person(name) for name in HOSTS[: len(titles)]]
    for host in hosts:
        await host.joins(code)
    # One host each, so that sessions may run side by side.
    await propose_approved(orga, *zip(hosts, titles, strict=True))
    await hosts[0].says("/vote " + " ".join(str(n) for n in range(1, min(len(titles), 5) + 1)))
    for command in ("/voting close", "/plan", "/publish"):
        await orga.says(command)
    return orga, code


def retitle(app: App, number: int, title: str) -> None:
    """A title straight into the store, past /propose's checks: what if one got through?"""
    with raw_session(app.engine) as session:
        proposal = session.exec(select(Proposal).where(Proposal.number == number)).one()
        proposal.title = title
        session.add(proposal)


@asynccontextmanager
async def serving(app: App, tick_seconds: float = 30.0) -> AsyncIterator[str]:
    """The live board on a free loopback port in this event loop; yields its base URL."""
    port = unused_port()
    server = WebServer(live_board(app, tick_seconds=tick_seconds), f"127.0.0.1:{port}")
    await server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.stop()
