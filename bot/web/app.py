"""The live board's web side: public pages of published camps, served by aiohttp.

    /e/CODE/board          projector kiosk: now and next per room
    /e/CODE/agenda         the whole grid, for phones and A4
    /e/CODE/room/N         a door sign for the camp's N-th room
    /e/CODE/calendar.ics   the agenda as a calendar subscription
    /p/TOKEN/calendar.ics  a person's own programme (`/mine link`)

Each page has a stream beside it (`…/live`, server-sent events) that sends the page's
content anew when the plan changes (see `bot.web.live`) or the next slot begins. Anything
not shown (unknown code or token, a council, a draft) is the same 404.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bot.web.live import PageCache, Watcher
from bot.web.views import (
    AgendaView,
    BoardView,
    Moment,
    agenda_view,
    board_view,
    moment,
    room_view,
    slot_time,
)
from handlers.barcamp.board_links import BoardLinks
from handlers.barcamp.public_pages import (
    CalendarFeed,
    PublishedCamp,
    event_id_of,
    personal_calendar,
    published_camp,
)
from handlers.core.i18n import Catalogues
from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.exports.layout import (
    clock as clock_text,
)
from schedules.barcamp.exports.layout import (
    day_label,
    host_names,
    localise,
    one_line,
    time_range,
)
from schedules.core.clock import Clock
from storage.uow import UnitOfWorkFactory

STATIC = Path(__file__).parent / "static"

# No inline script or style anywhere: the pages' script and styles are files of ours.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Personal links carry a token: no page tells another site where it came from.
    "Referrer-Policy": "no-referrer",
}
RECONNECT_MS = 2000
CALENDAR_TYPE = "text/calendar"

# (the page's content, what it shows besides the agenda's version), for one camp and time
Part = tuple[str, tuple[object, ...]]
RenderPart = Callable[[PublishedCamp, datetime], Part | None]
VIEWS: dict[str, Callable[[Agenda, datetime], BoardView | AgendaView]] = {
    "board": board_view,
    "agenda": agenda_view,
}


class LiveBoard:
    """The pages and their streams; `watcher` must run while it serves (`start`)."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        texts: Catalogues,
        language: str,
        *,
        tick_seconds: float = 30.0,
        poll_seconds: float = 1.0,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._language = language
        self._t = functools.partial(texts.text, language)
        # Even between changes a stream looks at the time this often (and says it lives).
        self._tick = tick_seconds
        self.watcher = Watcher(self._load_camp, self._load_versions, poll_seconds)
        self._cache = PageCache()
        self._templates = Environment(
            loader=PackageLoader("bot.web", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._templates.globals.update(
            t=self._t,
            clock=clock_text,
            time_range=time_range,
            slot_time=slot_time,
            one_line=one_line,
            host_names=host_names,
            day_label=functools.partial(day_label, t=self._t),
            language=language,
        )

    # --- the store -------------------------------------------------------------

    def _event_id(self, code: str) -> int | None:
        with self._uow_factory(read_only=True) as uow:
            return event_id_of(uow, code)

    def _load_camp(self, event_id: int) -> PublishedCamp | None:
        with self._uow_factory(read_only=True) as uow:
            return published_camp(uow, event_id, self._language)

    def _load_versions(self, event_ids: set[int]) -> dict[int, int]:
        with self._uow_factory(read_only=True) as uow:
            return uow.board.versions(event_ids)

    def _personal(self, token: str) -> CalendarFeed | None:
        with self._uow_factory(read_only=True) as uow:
            return personal_calendar(uow, token, self._language, self._t)

    async def _camp(self, request: web.Request) -> PublishedCamp:
        event_id = await asyncio.to_thread(self._event_id, request.match_info["code"])
        camp = None if event_id is None else await asyncio.to_thread(self._load_camp, event_id)
        if camp is None:
            raise web.HTTPNotFound()
        return camp

    # --- the application ---------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._not_found])
        app.on_response_prepare.append(_security_headers)
        app.on_startup.append(self._start)
        app.on_cleanup.append(self._stop)
        routes = app.router
        for name in ("board", "agenda"):
            routes.add_get(f"/e/{{code}}/{name}", self._page(name, self._part_of(name)))
            routes.add_get(f"/e/{{code}}/{name}/live", self._stream(self._part_of(name)))
        routes.add_get("/e/{code}/room/{number:[0-9]{1,3}}", self._room_page)
        routes.add_get("/e/{code}/room/{number:[0-9]{1,3}}/live", self._room_stream)
        routes.add_get("/e/{code}/calendar.ics", self._calendar)
        routes.add_get("/p/{token}/calendar.ics", self._personal_calendar)
        routes.add_static("/static/", STATIC, append_version=False)
        return app

    async def _start(self, _: web.Application) -> None:
        self.watcher.start()

    async def _stop(self, _: web.Application) -> None:
        await self.watcher.stop()

    @web.middleware
    async def _not_found(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Every 404 looks the same: nothing says whether a code or token exists."""
        try:
            return await handler(request)
        except web.HTTPNotFound:
            body = self._templates.get_template("not_found.html").render(camp_name="")
            return web.Response(text=body, status=404, content_type="text/html")

    # --- pages -----------------------------------------------------------------

    def _render(self, template: str, camp: PublishedCamp, **values: Any) -> str:
        agenda = camp.agenda
        return self._templates.get_template(template).render(
            camp_name=one_line(agenda.name), timezone=agenda.timezone, **values
        )

    def _part_of(self, kind: str) -> RenderPart:
        make_view = VIEWS[kind]

        def part(camp: PublishedCamp, now: datetime) -> Part | None:
            stamp = moment(camp.agenda, now)
            view = make_view(camp.agenda, stamp.wall)
            key = (camp.event_id, kind, camp.version, stamp.text, *view.key)
            values = {"view": view, "now": stamp, "page_title": self._t(f"web.{kind}_title")}
            values["calendar_url"] = BoardLinks("", camp.agenda.code).calendar
            return self._cache.get(key, lambda: self._render(f"_{kind}.html", camp, **values)), key

        return part

    def _room_part(self, number: int) -> RenderPart:
        def part(camp: PublishedCamp, now: datetime) -> Part | None:
            stamp = moment(camp.agenda, now)
            view = room_view(camp.agenda, number, stamp.wall)
            if view is None:
                return None
            key = (camp.event_id, "room", number, camp.version, stamp.text, *view.key)
            return self._cache.get(key, lambda: self._room_html(camp, view, stamp)), key

        return part

    def _room_html(self, camp: PublishedCamp, view: BoardView, stamp: Moment) -> str:
        title = self._t("web.room_title", room=view.lines[0][0])
        return self._render("_room.html", camp, view=view, now=stamp, page_title=title)

    def _page(
        self, kind: str, render: RenderPart
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def page(request: web.Request) -> web.Response:
            return await self._live_page(request, kind, render, self._t(f"web.{kind}_title"))

        return page

    async def _live_page(
        self, request: web.Request, kind: str, render: RenderPart, title: str
    ) -> web.Response:
        camp = await self._camp(request)
        part = render(camp, self._clock.now())
        if part is None:
            raise web.HTTPNotFound()
        body = self._render(
            "live_page.html",
            camp,
            kind=kind,
            part=Markup(part[0]),  # rendered by our autoescaping templates
            page_title=title,
            stream_url=f"{request.path}/live",
        )
        return web.Response(
            text=body, content_type="text/html", headers={"Cache-Control": "no-cache"}
        )

    async def _room_page(self, request: web.Request) -> web.Response:
        number = int(request.match_info["number"])
        return await self._live_page(
            request, "room", self._room_part(number), self._t("web.room_title", room=number)
        )

    async def _room_stream(self, request: web.Request) -> web.StreamResponse:
        return await self._stream(self._room_part(int(request.match_info["number"])))(request)

    # --- streams ---------------------------------------------------------------

    def _stream(self, render: RenderPart) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def stream(request: web.Request) -> web.StreamResponse:
            camp = await self._camp(request)
            if render(camp, self._clock.now()) is None:
                raise web.HTTPNotFound()
            response = web.StreamResponse(
                headers={
                    "Content-Type": "text/event-stream",
                    "Cache-Control": "no-store",
                    "X-Accel-Buffering": "no",  # nginx: pass each event on at once
                }
            )
            await response.prepare(request)
            with contextlib.suppress(ConnectionError), self.watcher.stream(camp.event_id, camp):
                await response.write(f"retry: {RECONNECT_MS}\n\n".encode())
                await self._follow(response, camp.event_id, render)
            return response

        return stream

    async def _follow(
        self, response: web.StreamResponse, event_id: int, render: RenderPart
    ) -> None:
        """Send the page's content whenever it differs from what was sent last."""
        sent: tuple[object, ...] | None = None
        while True:
            camp = self.watcher.camp(event_id)
            if camp is None:
                return  # no longer published: the page's next reconnect gets the 404
            signal = self.watcher.signal(event_id)
            now = self._clock.now()
            part = render(camp, now)
            if part is None:
                return
            html, key = part
            if key != sent:
                await response.write(_event("update", html))
                sent = key
            else:
                await response.write(b": still here\n\n")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), self._wait(camp, now))

    def _wait(self, camp: PublishedCamp, now: datetime) -> float:
        """Until the next slot begins or ends, at most a tick; the time shown moves on too."""
        upcoming = [
            localise(camp.agenda, moment_)
            for slot in camp.agenda.slots
            for moment_ in (slot.start, slot.end)
        ]
        seconds = [(at - now).total_seconds() for at in upcoming]
        next_minute = 60 - now.second - now.microsecond / 1e6
        return max(0.05, min([self._tick, next_minute, *(s for s in seconds if s > 0)]))

    # --- calendars -------------------------------------------------------------

    async def _calendar(self, request: web.Request) -> web.Response:
        camp = await self._camp(request)
        return _calendar_response(request, camp.calendar(self._t), "agenda.ics")

    async def _personal_calendar(self, request: web.Request) -> web.Response:
        feed = await asyncio.to_thread(self._personal, request.match_info["token"])
        if feed is None:
            raise web.HTTPNotFound()
        response = _calendar_response(request, feed, "my-agenda.ics")
        response.headers["Cache-Control"] = "private, no-cache"
        return response


def _calendar_response(request: web.Request, feed: CalendarFeed, filename: str) -> web.Response:
    """With ETag and Last-Modified; a calendar app that has this version gets 304."""
    headers = {
        "ETag": feed.etag,
        "Last-Modified": format_datetime(feed.modified.replace(microsecond=0), usegmt=True),
        "Cache-Control": "no-cache",
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    if _not_modified(request, feed):
        return web.Response(status=304, headers=headers)
    return web.Response(
        body=feed.content, content_type=CALENDAR_TYPE, charset="utf-8", headers=headers
    )


def _not_modified(request: web.Request, feed: CalendarFeed) -> bool:
    match = request.headers.get("If-None-Match")
    if match is not None:
        return feed.etag in {tag.strip() for tag in match.split(",")}
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return feed.modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _event(name: str, data: str) -> bytes:
    """One server-sent event; each line of the data gets its own `data:` field."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {name}\n{lines}\n".encode()


async def _security_headers(_: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
