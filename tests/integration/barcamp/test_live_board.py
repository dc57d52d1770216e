"""The live board on both stores: change counters, the calendar feeds over HTTP, personal
links and what /forgetme and retention leave of them, the same 404 for everything hidden,
and a change made by one process reaching the streams of another within 2 seconds."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Iterator

import aiohttp
import icalendar
import ics
import pytest
from sqlmodel import select

from bot.bootstrap import App
from handlers.core.retention import run_retention
from schedules.core.clock import ManualClock
from storage.barcamp.camp_tables import CalendarLink, CampSettings, Proposal
from storage.uow import UnitOfWork
from tests.integration.core.test_store import chat_people
from tests.support.board_pages import BASE_URL, TITLES, published_camp, serving, web_app
from tests.support.day import berlin, fast_planner, places  # noqa: F401  (fixture)
from tests.support.privacy_scan import rows_naming, sqlite_files_naming
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp, t

pytestmark = pytest.mark.usefixtures("fast_planner")
Apps = Callable[[], App]
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@pytest.fixture
def apps(store_url: str, clock: ManualClock) -> Iterator[Apps]:
    """Apps on one store: each one a process of its own (its own engine)."""
    made: list[App] = []

    def make() -> App:
        made.append(web_app(store_url, clock))
        return made[-1]

    yield make
    for app in made:
        app.engine.dispose()


def board_row(app: App) -> tuple[int, int]:
    with raw_session(app.engine) as session:
        camp = session.exec(select(CampSettings)).one()
        return camp.board_version, int(camp.board_changed_at is not None)


def sequences(app: App) -> dict[int, int]:
    with raw_session(app.engine) as session:
        return {p.number: p.calendar_sequence for p in session.exec(select(Proposal))}


async def test_every_change_the_pages_show_raises_the_counter(apps: Apps) -> None:
    app = apps()
    orga, _ = await published_camp(app)
    assert board_row(app) == (1, 1)  # /publish
    assert sequences(app) == {1: 0, 2: 0, 3: 0, 4: 0}
    first = next(n for n, (slot, _, _) in places(app).items() if slot == 1)
    await orga.says(f"/move {first} 13:00 Raum 2")
    version, _ = board_row(app)
    assert version >= 2
    assert sequences(app)[first] == 1
    await orga.says(f"/pin {first}")
    assert board_row(app)[0] == version + 1
    await orga.says("/settings hosts off")
    assert board_row(app)[0] == version + 2
    with UnitOfWork(app.engine, read_only=True) as uow:
        assert uow.board.versions({1, 99}) == {1: version + 2}


def _calendar_checks(content: bytes) -> dict[str, int]:
    """Both parsers read the feed; UID -> SEQUENCE."""
    parsed = icalendar.Calendar.from_ical(content)
    events = {str(e["UID"]): int(e.get("SEQUENCE", 0)) for e in parsed.walk("VEVENT")}
    other = ics.Calendar(content.decode())
    assert {event.uid for event in other.events} == set(events)
    assert all(event.begin < event.end for event in other.events)
    return events


async def test_the_calendar_feed_follows_a_move(apps: Apps) -> None:
    app = apps()
    orga, code = await published_camp(app)
    async with serving(app) as base, aiohttp.ClientSession() as http:
        url = f"{base}/e/{code.lower()}/calendar.ics"
        async with http.get(url) as response:
            assert response.status == 200
            assert response.content_type == "text/calendar"
            etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
            before = _calendar_checks(await response.read())
            assert response.headers.items() >= SECURITY.items()
        assert len(before) == 4
        assert set(before.values()) == {0}
        async with http.get(url, headers={"If-None-Match": etag}) as response:
            assert response.status == 304
        async with http.get(url, headers={"If-Modified-Since": modified}) as response:
            assert response.status == 304

        first = next(n for n, (slot, _, _) in places(app).items() if slot == 1)
        await orga.says(f"/move {first} 13:00 Raum 2")
        async with http.get(url, headers={"If-None-Match": etag}) as response:
            assert response.status == 200
            assert response.headers["ETag"] != etag
            after = _calendar_checks(await response.read())
    assert set(after) == set(before)  # the same UIDs: entries are updated, not duplicated
    moved = [uid for uid, sequence in after.items() if sequence > before[uid]]
    assert moved  # the moved session (and any it pushed aside) rose


def _link(text: str) -> str:
    match = re.search(r"https://board\.example\.org(/p/[\w-]+/calendar\.ics)", text)
    assert match, text
    return match.group(1)


async def test_a_personal_link_until_renewed_or_forgotten(apps: Apps) -> None:
    app = apps()
    _orga, code = await published_camp(app)
    ana = chat_people(app)("Ana")
    first = await ana.text("/mine link")
    path = _link(first)
    assert _link(await ana.text("/mine link")) == path  # the same link again
    assert "webcal://board.example.org" in first
    async with serving(app) as base, aiohttp.ClientSession() as http:
        async with http.get(base + path) as response:
            assert response.status == 200
            assert response.headers["Cache-Control"] == "private, no-cache"
            mine = icalendar.Calendar.from_ical(await response.read())
        titles = {str(event["SUMMARY"]) for event in mine.walk("VEVENT")}
        assert titles == set(TITLES)  # Ana voted for all four

        renewed = await ana.text("/mine link new")
        new_path = _link(renewed)
        webcal = "webcal://board.example.org" + new_path
        assert renewed == t("de", "mine.link_new", url=BASE_URL + new_path, webcal=webcal)
        async with http.get(base + path) as response:
            assert response.status == 404
        path = _link(renewed)
        token = path.split("/")[2]
        [data] = [r for r in await ana.says("/mydata") if r.document is not None]
        assert data.document is not None
        [link] = json.loads(data.document.content)["calendar_links"]
        assert (link["event"], link["token"]) == (code, token)

        await ana.says("/forgetme")
        await ana.press("forgetme confirm")
        async with http.get(base + path) as response:
            assert response.status == 404
    with raw_session(app.engine) as session:
        assert session.exec(select(CalendarLink)).all() == []
    assert rows_naming(app.engine, [token]) == {}
    if app.engine.dialect.name == "sqlite":
        assert sqlite_files_naming(app.engine, [token]) == {}


async def test_retention_drops_the_links_of_the_event(apps: Apps, clock: ManualClock) -> None:
    app = apps()
    await published_camp(app)
    await chat_people(app)("Ben").says("/mine link")
    with raw_session(app.engine) as session:
        assert len(session.exec(select(CalendarLink)).all()) == 1
    for moment in ("2028-05-14", "2028-06-15"):  # the notice, then a month after it
        clock.set(clock.now().fromisoformat(moment + "T00:00:00+00:00"))
        run_retention(app.uow_factory, app.clock, app.router.catalogues, app.router.config)
    with raw_session(app.engine) as session:
        assert session.exec(select(CalendarLink)).all() == []


async def test_hidden_things_get_one_and_the_same_404(apps: Apps) -> None:
    app = apps()
    _, code = await published_camp(app)
    draft = await create_camp(chat_people(app)("Zoe"), "de")  # not published
    async with serving(app) as base, aiohttp.ClientSession() as http:
        bodies = set()
        for path in (
            "/e/NOPE22/board",
            f"/e/{draft}/board",
            f"/e/{draft}/calendar.ics",
            f"/e/{code}/room/9",
            f"/e/{code}/room/0/live",
            "/p/not-a-token/calendar.ics",
            f"/e/{code}/nothing",
        ):
            async with http.get(base + path) as response:
                assert response.status == 404, path
                assert response.headers.items() >= SECURITY.items()
                bodies.add(await response.text())
        assert len(bodies) == 1
        for path in (
            f"/e/{code}/board",
            f"/e/{code}/agenda",
            f"/e/{code}/room/1",
            "/static/live.js",
        ):
            async with http.get(base + path) as response:
                assert response.status == 200, path
                assert response.headers.items() >= SECURITY.items()
                csp = response.headers["Content-Security-Policy"]
                assert "script-src 'self'" in csp
                assert "unsafe-inline" not in csp
                if path.startswith("/e/"):
                    page = await response.text()
                    assert "Orga" not in page  # an organiser is nobody's host here
                    assert "🗳" not in page
                    assert "Wo könnte" not in page


async def test_hosts_names_only_while_the_camp_shows_them(apps: Apps) -> None:
    app = apps()
    orga, code = await published_camp(app)
    async with serving(app) as base, aiohttp.ClientSession() as http:
        async with http.get(f"{base}/e/{code}/agenda") as response:
            assert "mit Ana" in await response.text()
        await orga.says("/settings hosts off")
        async with http.get(f"{base}/e/{code}/agenda") as response:
            page = await response.text()
    assert "Skatepark am See" in page
    assert "Ana" not in page


async def _next_update(stream: aiohttp.ClientResponse) -> str:
    data: list[str] = []
    async for raw in stream.content:
        line = raw.decode().rstrip("\n")
        if line.startswith("data: "):
            data.append(line[6:])
        elif not line and data:
            return "\n".join(data)
    raise AssertionError("the stream ended")


async def test_a_move_in_one_process_reaches_the_streams_of_another(
    apps: Apps, clock: ManualClock
) -> None:
    bot, web = apps(), apps()
    orga, code = await published_camp(bot)
    clock.set(berlin(10, 15))
    first = next(n for n, (slot, _, _) in places(bot).items() if slot == 1)
    async with serving(web) as base, aiohttp.ClientSession() as http:
        streams = [await http.get(f"{base}/e/{code}/board/live") for _ in range(3)]
        for stream in streams:
            assert stream.headers["Content-Type"] == "text/event-stream"
            assert "Skatepark am See" in await _next_update(stream)
        await orga.says(f"/move {first} 13:00 Raum 2")
        started = time.monotonic()
        updates = await asyncio.wait_for(
            asyncio.gather(*(_next_update(stream) for stream in streams)), timeout=2.0
        )
        assert time.monotonic() - started < 2.0
        for stream in streams:
            stream.close()
    assert all(update == updates[0] for update in updates)


async def test_board_links_in_chat_with_a_qr_code_and_a_button(apps: Apps) -> None:
    app = apps()
    orga, code = await published_camp(app)
    [reply] = await orga.says("/board")
    assert f"{BASE_URL}/e/{code}/board" in reply.text
    assert f"webcal://board.example.org/e/{code}/calendar.ics" in reply.text
    assert f"{BASE_URL}/e/{code}/room/3" in reply.text
    assert reply.image is not None
    assert reply.image.content.startswith(b"\x89PNG")
    [[button]] = reply.buttons
    assert button.url == f"{BASE_URL}/e/{code}/board"
