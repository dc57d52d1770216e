"""The live board in a real browser: Debian's Chromium, headless, through Playwright.

A published camp's board, agenda and door sign as people see them (visible texts, the
projector's and the phone's sizes, A4 print, axe-core's accessibility rules), a /move
through the router reaching an open board within 2 seconds, the board moving on as time
passes, and hostile titles shown as text.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page

from bot.bootstrap import App
from schedules.core.clock import ManualClock
from tests.support.board_pages import TITLES, published_camp, retitle, serving, web_app
from tests.support.browser import (
    PHONE,
    PROJECTOR,
    axe_violations,
    browser,  # noqa: F401  (the session's browser, used below by name)
    horizontal_overflow,
)
from tests.support.day import berlin, fast_planner, places  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.e2e,
    pytest.mark.usefixtures("fast_planner"),
]
# Set to a folder (docs) to write the README's screenshots there.
SCREENSHOTS = os.environ.get("BARCAMP_SCREENSHOTS")


@pytest.fixture
def camp_app(sqlite_url: str, clock: ManualClock) -> Iterator[App]:
    app = web_app(sqlite_url, clock)
    yield app
    app.engine.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser) -> AsyncIterator[Page]:  # noqa: F811
    context = await browser.new_context(viewport=PROJECTOR, locale="de-DE")
    opened = await context.new_page()
    yield opened
    await context.close()


async def test_board_agenda_and_door_sign_show_the_published_camp(
    camp_app: App, clock: ManualClock, page: Page, tmp_path: Path
) -> None:
    _orga, code = await published_camp(camp_app)
    clock.set(berlin(10, 15))
    async with serving(camp_app) as base:
        await page.goto(f"{base}/e/{code}/board")
        board = await page.inner_text("main")
        assert "Jugend-BarCamp Musterstadt" in board
        assert "Jetzt · 10:00–10:45" in board
        assert "Danach · 11:00–11:45" in board
        assert "10:15" in board
        assert all(room in board for room in ("Aula", "Raum 1", "Raum 2"))
        shown = [title for title in TITLES if title in board]
        assert shown, board
        assert await page.locator(".room.current").count() == 3
        assert await horizontal_overflow(page) == 0
        assert await axe_violations(page) == []
        await _screenshot(page, "live-board-projector.png", tmp_path)

        await page.set_viewport_size(PHONE)
        await page.goto(f"{base}/e/{code}/agenda")
        agenda = await page.inner_text("main")
        assert all(title in agenda for title in TITLES), agenda
        assert "12:00–13:00 · Pause" in agenda
        current = page.locator("li.slot.current")
        assert await current.count() == 1
        assert "10:00–10:45" in await current.inner_text()
        assert await horizontal_overflow(page) == 0
        assert await axe_violations(page) == []
        await _screenshot(page, "live-board-agenda-phone.png", tmp_path)
        pdf = await page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        assert len(pdf) > 5000

        await page.set_viewport_size(PROJECTOR)
        await page.goto(f"{base}/e/{code}/room/2")
        door = await page.inner_text("main")
        assert "Raum 1" in door
        assert "Jetzt" in door
        assert await horizontal_overflow(page) == 0
        assert await axe_violations(page) == []


async def test_a_move_reaches_the_open_board_within_two_seconds(
    camp_app: App, clock: ManualClock, page: Page
) -> None:
    orga, code = await published_camp(camp_app)
    clock.set(berlin(10, 15))
    first_slot = [number for number, (slot, _, _) in places(camp_app).items() if slot == 1]
    moved = first_slot[0]
    title = TITLES[moved - 1]
    async with serving(camp_app) as base:
        await page.goto(f"{base}/e/{code}/board")
        assert title in await page.inner_text("main")
        await page.wait_for_function("() => document.body.dataset.updated")  # stream is open
        await orga.says(f"/move {moved} 13:00 Aula")
        started = time.monotonic()  # the move is committed: the store has it
        await page.wait_for_function(
            "title => !document.querySelector('main').innerText.includes(title)",
            arg=title,
            timeout=2000,
        )
        assert time.monotonic() - started < 2.0


async def test_the_board_moves_on_by_itself_to_the_break_and_to_danke(
    camp_app: App, clock: ManualClock, page: Page
) -> None:
    _orga, code = await published_camp(camp_app)
    clock.set(berlin(11, 50))
    async with serving(camp_app, tick_seconds=0.2) as base:
        await page.goto(f"{base}/e/{code}/board")
        assert "Es geht los um 12:00" in await page.inner_text("main")
        clock.set(berlin(12, 10))
        await page.wait_for_function(
            "() => document.querySelector('main').innerText.includes('Pause')", timeout=2000
        )
        assert "Danach · 13:00–13:45" in await page.inner_text("main")
        clock.advance(timedelta(hours=2))
        await page.wait_for_function(
            "() => document.querySelector('main').innerText.includes('Danke!')", timeout=2000
        )
        assert await axe_violations(page) == []


HOSTILE = (
    "<script>window.pwned = 1</script>",
    "\u202eRTL override: nedeiwS",
    "Ｗ" * 80,
)


async def test_hostile_titles_are_text_and_keep_the_layout(
    camp_app: App, clock: ManualClock, page: Page
) -> None:
    _orga, code = await published_camp(camp_app)
    for number, title in enumerate(HOSTILE, start=1):
        retitle(camp_app, number, title)
    clock.set(berlin(9))
    async with serving(camp_app) as base:
        for path, size in (("agenda", PHONE), ("board", PROJECTOR), ("room/1", PHONE)):
            await page.set_viewport_size(size)
            await page.goto(f"{base}/e/{code}/{path}")
            text = await page.inner_text("main")
            if path == "agenda":  # the whole grid: every title, as text
                assert "<script>window.pwned = 1</script>" in text
                assert "Ｗ" * 80 in text
                assert "RTL override: nedeiwS" in text
            assert "\u202e" not in text  # the override is dropped, the words stay
            assert await page.evaluate("() => window.pwned") is None
            assert await page.locator("main script").count() == 0
            assert await horizontal_overflow(page) == 0, path


async def _screenshot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    path = folder / name
    await page.screenshot(path=str(path), type="png")
    assert path.stat().st_size > 10_000
