"""python-telegram-bot's HTTP requests through aiohttp instead of httpx.

PTB lets a bot bring its own `BaseRequest`. The bot spends about half of its CPU on Bot
API calls under load, and aiohttp needs far less of it per request than httpx; aiohttp is
a dependency already (the webhook server, the Matrix client).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput  # the base class's own annotation

# As PTB's own defaults: 5 s for each step, 20 s to write a file.
STEP_SECONDS = 5.0
MEDIA_WRITE_SECONDS = 20.0


class AiohttpRequest(BaseRequest):
    def __init__(self, connections: int = 8, read_seconds: float = STEP_SECONDS) -> None:
        self._connections = connections
        self._read_seconds = read_seconds
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_seconds

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        pool = _seconds(pool_timeout, STEP_SECONDS)
        connect = _seconds(connect_timeout, STEP_SECONDS)
        write = _seconds(write_timeout, MEDIA_WRITE_SECONDS if files else STEP_SECONDS)
        read = _seconds(read_timeout, self._read_seconds)
        # aiohttp has no write timeout of its own: the whole request is bounded by the
        # sum of PTB's four steps instead.
        timeout = aiohttp.ClientTimeout(
            total=pool + connect + write + read,
            connect=pool + connect,  # waiting for a free connection, then connecting
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method,
                url,
                data=_body(request_data),
                headers={"User-Agent": self.USER_AGENT},
                timeout=timeout,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error


def _seconds(value: ODVInput[float], default: float) -> float:
    if value is BaseRequest.DEFAULT_NONE or value is None:
        return default
    return float(value)  # type: ignore[arg-type]


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields as PTB prepared them; a multipart form when files go with them."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
