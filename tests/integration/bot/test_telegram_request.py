"""The aiohttp transport under python-telegram-bot: errors become PTB's, files go as forms.

The end-to-end tests send everything through it against the loopback Bot API server;
these cover what that server never does: refuse connections and answer too late.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.request import AiohttpRequest


@pytest.fixture
async def server() -> AsyncIterator[str]:
    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    async def echo(request: web.Request) -> web.Response:
        form = await request.post()
        [upload] = [value for value in form.values() if isinstance(value, web.FileField)]
        found = {
            "chat_id": form["chat_id"],
            "file": upload.filename,
            "size": len(upload.file.read()),
        }
        return web.json_response({"ok": True, "result": found})

    app = web.Application()
    app.router.add_post("/slow", slow)
    app.router.add_post("/echo", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{port}/getMe", "POST")


async def test_an_answer_too_late_is_timed_out(server: str) -> None:
    async with AiohttpRequest(read_seconds=0.2) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{server}/slow", "POST")


async def test_files_go_as_a_multipart_form_with_the_other_fields(server: str) -> None:
    data = RequestData(
        [
            RequestParameter("chat_id", 42, ()),
            RequestParameter("photo", "attach://x", (InputFile(b"\x89PNG..." * 10, "qr.png"),)),
        ]
    )
    async with AiohttpRequest() as request:
        status, body = await request.do_request(f"{server}/echo", "POST", data)
    assert status == 200
    assert b'"chat_id": "42"' in body
    assert b'"file": "qr.png"' in body
    assert b'"size": 70' in body
