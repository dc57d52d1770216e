"""The live board's web side (see `bot.web.app`): served beside the bot by `barcamp-bot run`
when `BARCAMP_WEB_LISTEN` and `BARCAMP_WEB_BASE_URL` are set, or alone by `barcamp-bot web`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from bot.web.app import LiveBoard

if TYPE_CHECKING:
    from bot.bootstrap import App
    from bot.outbox import OutboxSender

log = logging.getLogger(__name__)


def host_and_port(listen: str) -> tuple[str, int]:
    """`127.0.0.1:8080`, `[::1]:8080` or `:8080` (every address)."""
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "0.0.0.0", int(port)


class WebServer:
    """The pages on one address, until stopped."""

    def __init__(self, board: LiveBoard, listen: str) -> None:
        self._board = board
        self._listen = listen
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        host, port = host_and_port(self._listen)
        # Streams end when the server stops; they must not hold the shutdown up.
        self._runner = web.AppRunner(self._board.app(), shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        log.info("live board on http://%s:%s", host, port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def serve_forever(self) -> None:
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()


class WebService:
    """The pages beside the bot in `barcamp-bot run` (a `bot.runtime.Service`)."""

    def __init__(self, listen: str, make_board: Callable[[App], LiveBoard]) -> None:
        self._listen = listen
        self._make_board = make_board
        self._server: WebServer | None = None

    async def start(self, app: App, sender: OutboxSender) -> None:
        self._server = WebServer(self._make_board(app), self._listen)
        await self._server.start()

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()
