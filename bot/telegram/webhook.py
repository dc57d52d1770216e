"""Webhook mode: our own small HTTP endpoint (PTB's needs tornado) that checks Telegram's
secret header, keeps each update in the store and only then answers 200.

Telegram resends an update until it gets a 2xx, so an update is never lost between its
arrival and the store; one that arrives twice is recognised by its update id.
"""

from __future__ import annotations

import hmac
import logging
import socket

from aiohttp import web
from telegram import Update

from bot.telegram.options import WebhookOptions
from bot.telegram.polling import BatchHandler

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookServer:
    def __init__(self, options: WebhookOptions, on_batch: BatchHandler) -> None:
        self.options = options
        self.on_batch = on_batch
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(self.options.path, self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        # Port 0 picks a free port (tests); the chosen one is in `self.port`.
        sock = socket.create_server((self.options.listen, self.options.port), reuse_port=False)
        await web.SockSite(self._runner, sock).start()
        self.port = sock.getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        if not _secret_matches(request.headers.get(SECRET_HEADER, ""), self.options.secret):
            log.warning("webhook request without the right secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            payload = await request.json()
            update = Update.de_json(payload, None)
        except Exception:  # anything that is not an update is refused, whatever it is
            return web.Response(status=400, text="not an update")
        if not isinstance(payload, dict) or update is None:
            return web.Response(status=400, text="not an update")
        await self.on_batch([(payload, update)])
        return web.Response(text="ok")


def _secret_matches(given: str, secret: str) -> bool:
    """Compared in constant time; a header that is not ASCII (aiohttp hands its bytes on
    as surrogates) cannot be the secret, whose characters Telegram limits to A-Z, a-z,
    0-9, _ and -, and must not end in an exception (a 500 with a traceback)."""
    try:
        given_bytes = given.encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(given_bytes, secret.encode())
