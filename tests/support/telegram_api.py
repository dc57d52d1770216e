"""A Telegram Bot API server on 127.0.0.1 that the test suite owns.

Point python-telegram-bot at it with
``ApplicationBuilder().token(tg.token).base_url(tg.base_url).base_file_url(tg.base_file_url)``
where ``tg`` is a `BotAccount` (``server.account`` or the ``telegram_api`` fixture).

- start: ``async with TelegramApiServer() as server`` (in the test's loop) or
  ``with serve_in_thread(TelegramApiServer()) as server`` (for bots in a subprocess).
- inject updates: ``tg.inject_message(user, "hi")``, ``tg.inject_command(...)``,
  ``tg.inject_start(...)``, ``tg.inject_callback(...)``, ``tg.inject_vote(...)``,
  ``tg.inject_poll_state(...)``, ``tg.inject_block(...)``; each returns the update_id.
- faults: ``tg.fail_next("sendMessage", 2, retry_after=3)``, ``tg.fail_during(...)``,
  ``tg.fail_with(...)``, ``tg.block(chat_id)``, ``tg.flood_limits = FloodLimits()``.
- webhook: one delivery at a time, or ``tg.parallel_webhook = True`` for up to the
  webhook's ``max_connections`` at once, as Telegram does.
- read: ``tg.calls(...)``, ``await tg.wait_for(lambda calls: ...)``,
  ``await tg.sent_messages(chat_id)``, ``tg.delivered_texts(chat_id)``,
  ``tg.max_sends_in_window(1.0)``, ``tg.webhook_deliveries()``.

Every result and every injected update is parsed with PTB's classes before it leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import math
import mimetypes
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from PIL import Image, UnidentifiedImageError
from telegram import (
    Bot,
    BotCommand,
    ChatFullInfo,
    ChatMember,
    File,
    Message,
    Poll,
    TelegramObject,
    Update,
    User,
    WebhookInfo,
)
from telegram.constants import (
    BotCommandLimit,
    BotCommandScopeType,
    CallbackQueryLimit,
    ChatAction,
    InlineKeyboardButtonLimit,
    PollLimit,
)
from yarl import URL

from tests.support.telegram_updates import (
    GROUP,
    JSON,
    PRIVATE,
    SUPERGROUP,
    FormattingError,
    PollState,
    TgChat,
    TgUser,
    callback_query_json,
    chat_full_info_json,
    chat_member_json,
    chat_member_updated_json,
    check_length,
    incoming_message_json,
    message_json,
    now,
    parse_formatted,
    poll_answer_json,
    update_type,
    verify,
)

ChatId: TypeAlias = int | str
DEFAULT_TOKEN = "123456789:TEST-fake-bot-api-token_0123456789"
DEFAULT_USERNAME = "barcamp_test_bot"
MAX_POLL_TIMEOUT = 50
NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MESSAGE_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendPoll"})
CHAT_WRITE_METHODS = MESSAGE_METHODS | {
    "sendChatAction",
    "editMessageText",
    "editMessageReplyMarkup",
    "stopPoll",
}
BLOCKED = "Forbidden: bot was blocked by the user"
_STRING_PARAMS = frozenset(
    {
        *("text", "caption", "parse_mode", "question", "question_parse_mode", "explanation"),
        *("explanation_parse_mode", "description", "description_parse_mode", "url", "type"),
        *("callback_query_id", "secret_token", "language_code", "action", "ip_address"),
        *("inline_message_id", "business_connection_id", "file_id", "message_effect_id"),
        *("photo", "document"),
    }
)
_RESULT_TYPES: dict[str, type[TelegramObject]] = {
    "getMe": User,
    "sendMessage": Message,
    "sendPhoto": Message,
    "sendDocument": Message,
    "sendPoll": Message,
    "editMessageText": Message,
    "editMessageReplyMarkup": Message,
    "stopPoll": Poll,
    "getChat": ChatFullInfo,
    "getChatMember": ChatMember,
    "getWebhookInfo": WebhookInfo,
    "getFile": File,
    "getMyCommands": BotCommand,
    "getUpdates": Update,
}


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file part as the bot uploaded it."""

    field_name: str
    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes

    def to_json(self) -> JSON:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id}


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with how it was answered."""

    method: str
    params: JSON
    files: dict[str, UploadedFile]
    chat_id: ChatId | None
    at: float
    ok: bool
    error_code: int | None = None
    description: str | None = None
    result: Any = None

    @property
    def text(self) -> str | None:
        """What the chat shows: the sent message's text, caption or poll question."""
        message = self.result if isinstance(self.result, dict) else {}
        value = message.get("text", message.get("caption", message.get("poll", {}).get("question")))
        return value if isinstance(value, str) else None


@dataclass
class Fault:
    """Answer matching calls with an error; `remaining`/`until` bound it (None: unbounded)."""

    error_code: int
    description: str
    method: str | None = None
    chat_id: ChatId | None = None
    remaining: int | None = None
    until: float | None = None
    retry_after: int | None = None

    def applies(self, method: str, chat_id: ChatId | None, at: float) -> bool:
        if self.remaining == 0 or (self.until is not None and at >= self.until):
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def use(self) -> ApiError:
        if self.remaining is not None:
            self.remaining -= 1
        return ApiError(self.error_code, self.description, self.retry_after)


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's documented send limits, answered with 429 when a bot exceeds them."""

    per_chat_per_second: int = 1
    per_group_per_minute: int = 20
    overall_per_second: int = 30


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how fast a failed webhook delivery is retried before it is dropped."""

    attempts: int = 4
    first_delay: float = 0.1
    factor: float = 2.0
    timeout: float = 5.0

    def delay(self, attempt: int) -> float:
        return self.first_delay * self.factor ** (attempt - 1)


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None


@dataclass(frozen=True)
class WebhookDelivery:
    """One POST of an update to the bot's webhook; status None: no HTTP answer."""

    update_id: int
    attempt: int
    status: int | None
    secret_token: str | None
    at: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class _Described:
    result: Any
    description: str


@dataclass
class _Request:
    method: str
    params: JSON
    files: dict[str, UploadedFile]

    def has(self, name: str) -> bool:
        return self.params.get(name) is not None

    def text(self, name: str, default: str | None = None) -> str:
        value = self.params.get(name, default)
        if value is None:
            raise bad_request(f"{name} is empty")
        return str(value)

    def integer(self, name: str, default: int | None = None) -> int:
        value = self.params.get(name, default)
        if value is None:
            raise bad_request(f"{name} is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be a Number') from None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.params.get(name, default)
        return value if isinstance(value, bool) else str(value).lower() in ("true", "1")

    def obj(self, name: str) -> Any:
        value = self.params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


class _Signal:
    """Wakes coroutines of the server's loop; `notify` may be called from any thread."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event = asyncio.Event()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._event = asyncio.Event()

    def notify(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._event.set)

    async def wait(self, timeout: float) -> None:
        """Until notified (at once if notified since the last wait) or `timeout`."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)
        self._event.clear()


def decode_param(name: str, value: str) -> Any:
    """Form values come as PTB's `json_parameters`: strings raw, everything else JSON."""
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def normalize_chat_id(value: Any) -> ChatId | None:
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value if isinstance(value, int | str) else None


def max_in_window(times: Sequence[float], window: float) -> int:
    """The most timestamps that fit into any half-open window [t, t + window)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


class BotAccount:
    """One bot token: its updates, chats, messages, faults and the record of its calls."""

    def __init__(
        self, server: TelegramApiServer, token: str, username: str, retry: RetryPolicy
    ) -> None:
        self.server = server
        self.token = token
        self.username = username
        self.retry_policy = retry
        self.flood_limits: FloodLimits | None = None
        # Like Telegram, up to the webhook's max_connections deliveries at once (each
        # update is still delivered until it is answered 2xx); False: one at a time.
        self.parallel_webhook = False
        bot_id = int(token.split(":")[0])
        self.user = TgUser(bot_id, "BarCamp Test Bot", username, language_code=None, is_bot=True)
        self._ptb = Bot(token)
        self._lock = threading.RLock()
        self._signal = _Signal()
        self._http: aiohttp.ClientSession | None = None
        self._closing = False
        self._init_updates()
        self._init_store()
        self._handlers = self._handler_table()
        self._method_names = {name.lower(): name for name in self._handlers}

    def _init_updates(self) -> None:
        self._queue: list[JSON] = []
        self._next_update_id = 500_000_001
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._webhook: WebhookConfig | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_error: tuple[int, str] | None = None
        self._deliveries: list[WebhookDelivery] = []
        self.filtered_update_ids: list[int] = []
        self.internal_errors: list[str] = []

    def _init_store(self) -> None:
        self._calls: list[ApiCall] = []
        self._faults: list[Fault] = []
        self._blocked: dict[ChatId, str] = {}
        self._users: dict[int, TgUser] = {}
        self._chats: dict[int, TgChat] = {}
        self._messages: dict[int, dict[int, JSON]] = {}
        self._next_message_id: dict[int, int] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._polls: dict[str, PollState] = {}
        self._open_queries: set[str] = set()
        self._files: dict[str, StoredFile] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._counter = 0

    # --- where the bot connects -----------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"{self.server.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.server.url}/file/bot"

    def make_bot(self) -> Bot:
        """A plain `telegram.Bot` talking to this server (use it with ``async with``)."""
        return Bot(self.token, base_url=self.base_url, base_file_url=self.base_file_url)

    def bind(self, loop: asyncio.AbstractEventLoop, http: aiohttp.ClientSession) -> None:
        self._signal.bind(loop)
        self._http = http
        self._closing = False

    async def close(self) -> None:
        self._closing = True
        self._signal.notify()
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- answering a call -------------------------------------------------------------------

    async def handle(
        self, method: str, params: JSON, files: dict[str, UploadedFile]
    ) -> tuple[int, JSON]:
        """Answer one Bot API call: HTTP status and JSON body, recorded in `calls()`."""
        at = time.monotonic()
        name = self._canonical(method)
        request = _Request(name or method, params, files)
        chat_id = normalize_chat_id(params.get("chat_id"))
        try:
            result = await self._answer(name, request, chat_id, at)
        except ApiError as error:
            self._record(request, chat_id, at, error=error)
            return error.error_code, error.body()
        except Exception as exc:  # a bug of this server (e.g. a shape PTB refused): show it
            self.internal_errors.append(f"{request.method}: {exc!r}")
            bug = ApiError(500, f"Internal Server Error: fake Bot API bug: {exc!r}")
            self._record(request, chat_id, at, error=bug)
            return bug.error_code, bug.body()
        body: JSON = {"ok": True, "result": result}
        if isinstance(result, _Described):
            body = {"ok": True, "result": result.result, "description": result.description}
        self._record(request, chat_id, at, result=body["result"])
        return 200, body

    def _canonical(self, method: str) -> str | None:
        """Bot API method names are case-insensitive."""
        return self._method_names.get(method.lower())

    async def _answer(
        self, name: str | None, request: _Request, chat_id: ChatId | None, at: float
    ) -> Any:
        if name is None:
            raise ApiError(404, "Not Found")
        with self._lock:
            self._check_faults(name, chat_id, at)
        if name == "getUpdates":
            return await self._get_updates(request)
        with self._lock:
            result = self._handlers[name](request)
        self._verify_result(name, result.result if isinstance(result, _Described) else result)
        return result

    def _verify_result(self, method: str, result: Any) -> None:
        cls = _RESULT_TYPES.get(method)
        if cls is None or isinstance(result, bool):
            return
        for item in result if isinstance(result, list) else [result]:
            verify(cls, item, self._ptb)

    def _record(
        self,
        request: _Request,
        chat_id: ChatId | None,
        at: float,
        *,
        result: Any = None,
        error: ApiError | None = None,
    ) -> None:
        head = (request.method, request.params, request.files, chat_id, at)
        if error is None:
            call = ApiCall(*head, ok=True, result=result)
        else:
            call = ApiCall(
                *head, ok=False, error_code=error.error_code, description=error.description
            )
        with self._lock:
            self._calls.append(call)

    def _handler_table(self) -> dict[str, Callable[[_Request], Any]]:
        return {
            "getMe": lambda _: self._bot_user(full=True),
            "logOut": lambda _: True,
            "close": lambda _: True,
            "getUpdates": lambda _: [],
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendPoll": self._send_poll,
            "stopPoll": self._stop_poll,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getChat": lambda request: chat_full_info_json(self._chat(request)),
            "getChatMember": self._get_chat_member,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
        }

    # --- faults -----------------------------------------------------------------------------

    def fail_next(
        self, method: str, count: int = 1, *, retry_after: int = 3, chat_id: ChatId | None = None
    ) -> None:
        """Answer the next `count` calls of `method` (for `chat_id`) with 429 retry_after."""
        error = too_many_requests(retry_after)
        self.fail_with(
            429,
            error.description,
            method=method,
            chat_id=chat_id,
            count=count,
            retry_after=retry_after,
        )

    def fail_during(
        self,
        seconds: float,
        *,
        retry_after: int = 1,
        method: str | None = None,
        chat_id: ChatId | None = None,
    ) -> None:
        """Answer 429 to every matching call for the next `seconds`."""
        error = too_many_requests(retry_after)
        self.fail_with(
            429,
            error.description,
            method=method,
            chat_id=chat_id,
            seconds=seconds,
            retry_after=retry_after,
        )

    def fail_with(
        self,
        error_code: int,
        description: str,
        *,
        method: str | None = None,
        chat_id: ChatId | None = None,
        count: int | None = None,
        seconds: float | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer matching calls with any error, e.g. 502 "Bad Gateway" or 400 "..."."""
        until = None if seconds is None else time.monotonic() + seconds
        fault = Fault(error_code, description, method, chat_id, count, until, retry_after)
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._blocked.clear()

    def block(self, chat_id: ChatId, description: str = BLOCKED) -> None:
        """Answer 403 to sends into `chat_id` (the user blocked the bot, or kicked it)."""
        with self._lock:
            self._blocked[chat_id] = description

    def unblock(self, chat_id: ChatId) -> None:
        with self._lock:
            self._blocked.pop(chat_id, None)

    def _check_faults(self, method: str, chat_id: ChatId | None, at: float) -> None:
        for fault in self._faults:
            if fault.applies(method, chat_id, at):
                raise fault.use()
        if method in CHAT_WRITE_METHODS and chat_id in self._blocked:
            raise ApiError(403, self._blocked[chat_id])
        if method in MESSAGE_METHODS and self.flood_limits is not None:
            self._check_flood(self.flood_limits, chat_id, at)

    def _check_flood(self, limits: FloodLimits, chat_id: ChatId | None, at: float) -> None:
        sends = [call for call in self._calls if call.ok and call.method in MESSAGE_METHODS]
        into_chat = [call.at for call in sends if call.chat_id == chat_id]
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is not None and chat.type in (GROUP, SUPERGROUP):
            _check_rate(into_chat, at, 60.0, limits.per_group_per_minute)
        else:
            _check_rate(into_chat, at, 1.0, limits.per_chat_per_second)
        _check_rate([call.at for call in sends], at, 1.0, limits.overall_per_second)

    # --- updates: polling -------------------------------------------------------------------

    async def _get_updates(self, request: _Request) -> list[JSON]:
        generation, limit, deadline = self._start_poll(request)
        while True:
            with self._lock:
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                batch = [dict(update) for update in self._queue[:limit]]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing:
                self._verify_result("getUpdates", batch)
                return batch
            await self._signal.wait(remaining)

    def _start_poll(self, request: _Request) -> tuple[int, int, float]:
        with self._lock:
            if self._webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is "
                    "active; use deleteWebhook to delete the webhook first",
                )
            limit = min(max(request.integer("limit", 100), 1), 100)
            timeout = min(max(request.integer("timeout", 0), 0), MAX_POLL_TIMEOUT)
            if request.has("allowed_updates"):
                self._allowed_updates = list(request.obj("allowed_updates"))
            self._confirm(request.integer("offset", 0))
            self._poll_generation += 1
            generation = self._poll_generation
        self._signal.notify()
        return generation, limit, time.monotonic() + timeout

    def _confirm(self, offset: int) -> None:
        """Telegram forgets updates below a positive offset; -N keeps only the last N."""
        if offset > 0:
            self._queue = [update for update in self._queue if update["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]

    def _allows(self, kind: str) -> bool:
        if not self._allowed_updates:
            return kind not in NOT_DEFAULT_UPDATES
        return kind in self._allowed_updates

    def pending_update_ids(self) -> list[int]:
        with self._lock:
            return [update["update_id"] for update in self._queue]

    # --- updates: webhook -------------------------------------------------------------------

    def _set_webhook(self, request: _Request) -> Any:
        url = request.text("url", "")
        if not url:
            return self._delete_webhook(request)
        host = URL(url).host
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise bad_request("bad webhook: this test server delivers to loopback only")
        secret = request.params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        allowed = request.obj("allowed_updates")
        if allowed is not None:
            self._allowed_updates = list(allowed)
        if request.flag("drop_pending_updates"):
            self._queue.clear()
        config = WebhookConfig(url, secret, request.integer("max_connections", 40), allowed)
        self._webhook, self._webhook_error = config, None
        self._restart_webhook_task(config)
        return _Described(True, "Webhook was set")

    def _delete_webhook(self, request: _Request) -> Any:
        if request.flag("drop_pending_updates"):
            self._queue.clear()
        was_set, self._webhook = self._webhook is not None, None
        self._restart_webhook_task(None)
        return _Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    def _get_webhook_info(self, _: _Request) -> JSON:
        info: JSON = {"url": "", "has_custom_certificate": False}
        info["pending_update_count"] = len(self._queue)
        if self._webhook is not None:
            info["url"] = self._webhook.url
            info["max_connections"] = self._webhook.max_connections
            if self._webhook.allowed_updates is not None:
                info["allowed_updates"] = self._webhook.allowed_updates
        if self._webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    def _restart_webhook_task(self, config: WebhookConfig | None) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            self._webhook_task = None
        if config is not None:
            self._webhook_task = asyncio.get_running_loop().create_task(self._run_webhook(config))

    async def _run_webhook(self, config: WebhookConfig) -> None:
        if self.parallel_webhook:
            await self._run_webhook_in_parallel(config)
            return
        while self._webhook is config and not self._closing:
            with self._lock:
                update = dict(self._queue[0]) if self._queue else None
            if update is None:
                await self._signal.wait(1.0)
                continue
            await self._deliver(config, update)
            with self._lock:
                self._confirm(update["update_id"] + 1)

    async def _run_webhook_in_parallel(self, config: WebhookConfig) -> None:
        in_flight: set[int] = set()
        slots = asyncio.Semaphore(config.max_connections)
        tasks: set[asyncio.Task[None]] = set()

        async def deliver(update: JSON) -> None:
            try:
                await self._deliver(config, update)
            finally:
                with self._lock:
                    uid = update["update_id"]
                    self._queue = [queued for queued in self._queue if queued["update_id"] != uid]
                in_flight.discard(update["update_id"])
                slots.release()

        try:
            while self._webhook is config and not self._closing:
                await slots.acquire()
                with self._lock:
                    waiting = (dict(u) for u in self._queue if u["update_id"] not in in_flight)
                    update = next(waiting, None)
                if update is None:
                    slots.release()
                    await self._signal.wait(1.0)
                    continue
                in_flight.add(update["update_id"])
                task = asyncio.get_running_loop().create_task(deliver(update))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
        finally:
            for task in list(tasks):
                task.cancel()

    async def _deliver(self, config: WebhookConfig, update: JSON) -> None:
        """POST like Telegram: retry on errors, give up after `retry_policy.attempts`."""
        for attempt in range(1, self.retry_policy.attempts + 1):
            delivery = await self._post_update(config, update, attempt)
            with self._lock:
                self._deliveries.append(delivery)
            if delivery.ok:
                return
            message = delivery.error or f"Wrong response from the webhook: {delivery.status}"
            self._webhook_error = (now(), message)
            if attempt < self.retry_policy.attempts:
                await asyncio.sleep(self.retry_policy.delay(attempt))

    async def _post_update(
        self, config: WebhookConfig, update: JSON, attempt: int
    ) -> WebhookDelivery:
        headers = {}
        if config.secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = config.secret_token
        at, uid = time.monotonic(), update["update_id"]
        assert self._http is not None, "server not started"
        timeout = aiohttp.ClientTimeout(total=self.retry_policy.timeout)
        try:
            async with self._http.post(
                config.url, json=update, headers=headers, timeout=timeout
            ) as response:
                return WebhookDelivery(uid, attempt, response.status, config.secret_token, at)
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {exc!r}"
            return WebhookDelivery(uid, attempt, None, config.secret_token, at, error)

    def webhook_deliveries(self) -> list[WebhookDelivery]:
        with self._lock:
            return list(self._deliveries)

    def webhook(self) -> WebhookConfig | None:
        return self._webhook

    async def post_to_webhook(self, *, secret: str | None, update: JSON | None = None) -> int:
        """POST an update to the bot's webhook with `secret` (None: no header); the status."""
        config = self._webhook
        if config is None:
            raise RuntimeError("no webhook is set")
        payload = update or {"message": self._forged_message()}
        payload = {"update_id": self._take_update_id(), **payload}
        verify(Update, payload, self._ptb)
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                config.url, json=payload, headers=headers, timeout=aiohttp.ClientTimeout(total=5)
            ) as response,
        ):
            return response.status

    def _forged_message(self) -> JSON:
        mallory = TgUser(666, "Mallory")
        return incoming_message_json(1, TgChat.private(mallory), mallory, "/start forged")

    # --- sending and editing messages ---------------------------------------------------------

    def _bot_user(self, *, full: bool = False) -> JSON:
        data = self.user.to_json()
        if full:
            data.update({"can_join_groups": True, "can_read_all_group_messages": False})
            data.update({"supports_inline_queries": False, "can_connect_to_business": False})
            data["has_main_web_app"] = False
        return data

    def _chat(self, request: _Request) -> TgChat:
        chat_id = normalize_chat_id(request.params.get("chat_id"))
        if chat_id is None:
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            named = [chat for chat in self._chats.values() if f"@{chat.username}" == chat_id]
            chat_id = named[0].id if named else 0
        if chat_id not in self._chats:
            raise bad_request("chat not found")
        return self._chats[chat_id]

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _formatted(self, request: _Request, name: str, *, caption: bool) -> tuple[str, list[JSON]]:
        raw = request.text(name, "")
        if not raw and not caption:
            raise bad_request("message text is empty")
        mode_param = "parse_mode" if name in ("text", "caption") else f"{name}_parse_mode"
        try:
            text, entities = parse_formatted(raw, request.params.get(mode_param))
        except FormattingError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        try:
            check_length(text, caption=caption)
        except FormattingError as exc:
            raise bad_request(str(exc)) from None
        if not text and not caption:
            raise bad_request("message text is empty")
        given = request.obj("caption_entities" if caption else "entities")
        return text, entities or list(given or [])

    def _store_outgoing(self, chat: TgChat, request: _Request, **content: Any) -> JSON:
        extra: dict[str, Any] = {"reply_markup": self._inline_markup(request)}
        extra["reply_to_message"] = self._replied_message(chat, request)
        message_id = self._new_message_id(chat.id)
        message = message_json(message_id, chat, self._bot_user(), **content, **extra)
        self._messages.setdefault(chat.id, {})[message_id] = message
        return message

    def _replied_message(self, chat: TgChat, request: _Request) -> JSON | None:
        parameters = request.obj("reply_parameters") or {}
        target = parameters.get("message_id", request.params.get("reply_to_message_id"))
        if target is None:
            return None
        replied = self._messages.get(chat.id, {}).get(int(target))
        if replied is None and not parameters.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        if replied is None:
            return None
        return {key: value for key, value in replied.items() if key != "reply_to_message"}

    def _inline_markup(self, request: _Request) -> JSON | None:
        markup = request.obj("reply_markup")
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None
        for row in markup["inline_keyboard"]:
            for button in row:
                _check_button(button)
        return markup

    def _send_message(self, request: _Request) -> JSON:
        chat = self._chat(request)
        text, entities = self._formatted(request, "text", caption=False)
        return self._store_outgoing(chat, request, text=text, entities=entities)

    def _edited(self, request: _Request) -> JSON:
        if request.has("inline_message_id"):
            raise bad_request("inline messages are not supported by this test server")
        chat = self._chat(request)
        message = self._messages.get(chat.id, {}).get(request.integer("message_id"))
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.user.id:
            raise bad_request("message can't be edited")
        return message

    def _apply_edit(self, request: _Request, message: JSON, changes: JSON) -> JSON:
        changes["reply_markup"] = self._inline_markup(request)
        if all(message.get(key) == value for key, value in changes.items()):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        for key, value in changes.items():
            if value in (None, []):
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = now()
        return dict(message)

    def _edit_message_text(self, request: _Request) -> JSON:
        message = self._edited(request)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._formatted(request, "text", caption=False)
        return self._apply_edit(request, message, {"text": text, "entities": entities or None})

    def _edit_message_reply_markup(self, request: _Request) -> JSON:
        return self._apply_edit(request, self._edited(request), {})

    def _delete_message(self, request: _Request) -> bool:
        chat = self._chat(request)
        if self._messages.get(chat.id, {}).pop(request.integer("message_id"), None) is None:
            raise bad_request("message to delete not found")
        return True

    def _answer_callback_query(self, request: _Request) -> bool:
        query_id = request.text("callback_query_id")
        if len(request.text("text", "")) > CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        if query_id not in self._open_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._open_queries.discard(query_id)
        return True

    def _send_chat_action(self, request: _Request) -> bool:
        self._chat(request)
        if request.text("action") not in {action.value for action in ChatAction}:
            raise bad_request("wrong parameter action in request")
        return True

    # --- files --------------------------------------------------------------------------------

    def _new_id(self) -> int:
        self._counter += 1
        return self._counter

    def _store_file(self, folder: str, name: str, content: bytes) -> StoredFile:
        number = self._new_id()
        stored = StoredFile(
            f"AgAD{number:06d}{folder[:3]}",
            f"AQAD{number:06d}",
            f"{folder}/file_{number}_{name}",
            content,
        )
        self._files[stored.file_id] = stored
        return stored

    def _input_file(self, request: _Request, name: str) -> tuple[StoredFile | None, UploadedFile]:
        """The file a send method names: an upload (also via attach://), a file_id or a URL."""
        value = request.params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            name, value = value.removeprefix("attach://"), None
        if name in request.files:
            return None, request.files[name]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return None, UploadedFile(name, value.rsplit("/", 1)[-1], b"", "")
        if isinstance(value, str) and value in self._files:
            known = self._files[value]
            return known, UploadedFile(name, known.file_path, known.content, "")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _send_photo(self, request: _Request) -> JSON:
        chat = self._chat(request)
        known, upload = self._input_file(request, "photo")
        width, height = _image_size(upload) if upload.content else (1, 1)
        stored = known or self._store_file("photos", "photo.jpg", upload.content)
        caption, entities = self._formatted(request, "caption", caption=True)
        size = {**stored.to_json(), "width": width, "height": height}
        size["file_size"] = len(stored.content)
        return self._store_outgoing(
            chat, request, photo=[size], caption=caption or None, caption_entities=entities
        )

    def _send_document(self, request: _Request) -> JSON:
        chat = self._chat(request)
        known, upload = self._input_file(request, "document")
        stored = known or self._store_file("documents", upload.filename, upload.content)
        mime = upload.content_type or mimetypes.guess_type(upload.filename)[0]
        document = {**stored.to_json(), "file_name": upload.filename.rsplit("/", 1)[-1]}
        document.update({"mime_type": mime or "application/octet-stream"})
        document["file_size"] = len(stored.content)
        caption, entities = self._formatted(request, "caption", caption=True)
        return self._store_outgoing(
            chat, request, document=document, caption=caption or None, caption_entities=entities
        )

    def _get_file(self, request: _Request) -> JSON:
        stored = self._files.get(request.text("file_id"))
        if stored is None:
            raise bad_request("invalid file_id")
        return {**stored.to_json(), "file_size": len(stored.content), "file_path": stored.file_path}

    def file_content(self, file_path: str) -> bytes | None:
        with self._lock:
            found = [f for f in self._files.values() if f.file_path == file_path]
        return found[0].content if found else None

    # --- polls --------------------------------------------------------------------------------

    def _send_poll(self, request: _Request) -> JSON:
        chat = self._chat(request)
        question = request.text("question")
        options = [
            opt if isinstance(opt, str) else opt.get("text", "")
            for opt in request.obj("options") or []
        ]
        _check_poll(question, options)
        poll_type = request.text("type", "regular")
        poll = PollState(
            id=str(5_000_000_000 + self._new_id()),
            question=question,
            options=options,
            chat_id=chat.id,
            message_id=0,
            is_anonymous=request.flag("is_anonymous", default=True),
            type=poll_type,
            allows_multiple_answers=request.flag("allows_multiple_answers"),
            allows_revoting=request.flag("allows_revoting", default=poll_type == "regular"),
            is_closed=request.flag("is_closed"),
        )
        message = self._store_outgoing(chat, request, poll=poll.to_json())
        poll.message_id = message["message_id"]
        self._polls[poll.id] = poll
        return message

    def _stop_poll(self, request: _Request) -> JSON:
        message = self._edited(request)
        poll = self._polls.get(message.get("poll", {}).get("id", ""))
        if poll is None:
            raise bad_request("message with poll to stop not found")
        if poll.is_closed:
            raise bad_request("poll has already been closed")
        poll.is_closed = True
        message["poll"] = poll.to_json()
        return poll.to_json()

    def polls(self) -> list[PollState]:
        with self._lock:
            return list(self._polls.values())

    # --- commands, chats and members --------------------------------------------------------

    def _commands_key(self, request: _Request) -> tuple[str, str]:
        scope = request.obj("scope") or {"type": "default"}
        if scope.get("type") not in {kind.value for kind in BotCommandScopeType}:
            raise bad_request("BOT_COMMAND_SCOPE_INVALID")
        if "chat_id" in scope and normalize_chat_id(scope["chat_id"]) not in self._chats:
            raise bad_request("chat not found")
        return json.dumps(scope, sort_keys=True), request.text("language_code", "")

    def _set_my_commands(self, request: _Request) -> bool:
        commands = request.obj("commands")
        if not isinstance(commands, list):
            raise bad_request("commands is empty")
        if len(commands) > BotCommandLimit.MAX_COMMAND_NUMBER:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            _check_command(command)
        self._commands[self._commands_key(request)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, request: _Request) -> list[JSON]:
        return list(self._commands.get(self._commands_key(request), []))

    def _delete_my_commands(self, request: _Request) -> bool:
        self._commands.pop(self._commands_key(request), None)
        return True

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The commands set for `scope` (default scope when None) and `language_code`."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True), language_code
        with self._lock:
            return list(self._commands.get(key, []))

    def _get_chat_member(self, request: _Request) -> JSON:
        chat = self._chat(request)
        user_id = request.integer("user_id")
        user = self.user if user_id == self.user.id else self._users.get(user_id)
        if user is None:
            raise bad_request("PARTICIPANT_ID_INVALID")
        status = self._members.get((chat.id, user_id), "member")
        return chat_member_json(user.to_json(), status)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember answers: creator, administrator, member, left or kicked."""
        with self._lock:
            self._members[(chat_id, user_id)] = status

    def add_chat(self, chat: TgChat) -> TgChat:
        with self._lock:
            self._chats[chat.id] = chat
        return chat

    def add_user(self, user: TgUser) -> TgChat:
        """Register a user and their private chat with the bot."""
        with self._lock:
            self._users[user.id] = user
        return self.add_chat(TgChat.private(user))

    # --- injecting updates --------------------------------------------------------------------

    def _take_update_id(self) -> int:
        with self._lock:
            update_id = self._next_update_id
            self._next_update_id += 1
        return update_id

    def inject_update(self, payload: JSON) -> int:
        """Queue ``{kind: object}`` as the next update; returns its update_id.

        Like Telegram, types outside the bot's allowed_updates are never queued
        (their ids land in `filtered_update_ids`).
        """
        kind = update_type(payload)
        with self._lock:
            update = {"update_id": self._take_update_id(), **payload}
            verify(Update, update, self._ptb)
            if self._allows(kind):
                self._queue.append(update)
            else:
                self.filtered_update_ids.append(update["update_id"])
        self._signal.notify()
        return int(update["update_id"])

    def inject_message(self, user: TgUser, text: str, *, chat: TgChat | None = None) -> int:
        """A user's text message, in their private chat unless `chat` is given."""
        with self._lock:
            target = self.add_chat(chat) if chat is not None else self.add_user(user)
            self._users[user.id] = user
            message = incoming_message_json(self._new_message_id(target.id), target, user, text)
            self._messages.setdefault(target.id, {})[message["message_id"]] = message
        return self.inject_update({"message": message})

    def inject_command(
        self,
        user: TgUser,
        command: str,
        args: str = "",
        *,
        chat: TgChat | None = None,
        mention: bool | None = None,
    ) -> int:
        """``/command args``; in groups ``/command@botname args`` unless mention=False."""
        in_group = chat is not None and chat.type != PRIVATE
        suffix = f"@{self.username}" if (in_group if mention is None else mention) else ""
        text = f"/{command.lstrip('/')}{suffix}" + (f" {args}" if args else "")
        return self.inject_message(user, text, chat=chat)

    def inject_start(self, user: TgUser, payload: str | None = None) -> int:
        """What a t.me/<bot>?start=PAYLOAD deep link sends: ``/start PAYLOAD``."""
        return self.inject_command(user, "start", payload or "")

    def inject_callback(
        self,
        user: TgUser,
        chat_id: int,
        message_id: int,
        *,
        data: str | None = None,
        button: str | None = None,
    ) -> int:
        """A press on a button of a message the bot sent (by callback `data` or `button` text)."""
        with self._lock:
            message = self._messages.get(chat_id, {}).get(message_id)
            if message is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            if button is not None:
                data = _button_data(message, button)
            query_id = str(8_000_000_000 + self._new_id())
            self._open_queries.add(query_id)
            chat_instance = str(abs(chat_id) * 7919)
            query = callback_query_json(query_id, user, dict(message), data, chat_instance)
        return self.inject_update({"callback_query": query})

    def inject_vote(self, user: TgUser, poll_id: str, option_ids: Sequence[int]) -> int:
        """A vote (empty: retracted). Non-anonymous polls yield a poll_answer, others a poll."""
        with self._lock:
            poll = self._polls[poll_id]
            if poll.is_closed:
                raise ValueError("the poll is closed")
            if len(option_ids) > 1 and not poll.allows_multiple_answers:
                raise ValueError("the poll allows one answer only")
            poll.votes[user.id] = list(option_ids)
        if poll.is_anonymous:
            return self.inject_poll_state(poll_id)
        return self.inject_update({"poll_answer": poll_answer_json(poll, user, option_ids)})

    def inject_poll_state(self, poll_id: str, *, close: bool = False) -> int:
        """A `poll` update with the current counts, closing the poll first if `close`."""
        with self._lock:
            poll = self._polls[poll_id]
            poll.is_closed = poll.is_closed or close
            message = self._messages.get(poll.chat_id, {}).get(poll.message_id)
            if message is not None:
                message["poll"] = poll.to_json()
        return self.inject_update({"poll": poll.to_json()})

    def inject_my_chat_member(
        self, chat: TgChat, actor: TgUser, old_status: str, new_status: str
    ) -> int:
        """The bot's own membership changed in `chat`, done by `actor`."""
        self.add_chat(chat)
        with self._lock:
            self._users[actor.id] = actor
            self._members[(chat.id, self.user.id)] = new_status
        payload = chat_member_updated_json(chat, actor, self.user.to_json(), old_status, new_status)
        return self.inject_update({"my_chat_member": payload})

    def inject_block(self, user: TgUser) -> int:
        """The user blocked the bot: my_chat_member "kicked"; sends to them now get 403."""
        self.block(user.id)
        return self.inject_my_chat_member(self.add_user(user), user, "member", "kicked")

    def inject_unblock(self, user: TgUser) -> int:
        self.unblock(user.id)
        return self.inject_my_chat_member(self.add_user(user), user, "kicked", "member")

    def inject_added_to_group(self, chat: TgChat, actor: TgUser, status: str = "member") -> int:
        return self.inject_my_chat_member(chat, actor, "left", status)

    # --- reading what happened ----------------------------------------------------------------

    def calls(self, method: str | None = None, *, chat_id: ChatId | None = None) -> list[ApiCall]:
        with self._lock:
            calls = list(self._calls)
        return [
            c
            for c in calls
            if (method is None or c.method == method) and (chat_id is None or c.chat_id == chat_id)
        ]

    def sends(self, chat_id: ChatId | None = None) -> list[ApiCall]:
        """Successfully delivered message sends (sendMessage, sendPhoto, ...), in order."""
        return [c for c in self.calls(chat_id=chat_id) if c.ok and c.method in MESSAGE_METHODS]

    def delivered_texts(self, chat_id: ChatId) -> list[str]:
        """Texts, captions and poll questions that reached `chat_id`, once per delivery."""
        return [call.text for call in self.sends(chat_id) if call.text is not None]

    def max_sends_in_window(self, window: float, *, chat_id: ChatId | None = None) -> int:
        """Most delivered sends in any `window` seconds, overall or into one chat."""
        return max_in_window([call.at for call in self.sends(chat_id)], window)

    def max_sends_per_chat_in_window(self, window: float) -> int:
        chats = {call.chat_id for call in self.sends() if call.chat_id is not None}
        return max((self.max_sends_in_window(window, chat_id=c) for c in chats), default=0)

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """A message as it is now (after edits), None when deleted or never sent."""
        with self._lock:
            found = self._messages.get(chat_id, {}).get(message_id)
            return None if found is None else dict(found)

    async def wait_for(
        self, predicate: Callable[[list[ApiCall]], bool], timeout: float = 10.0
    ) -> list[ApiCall]:
        """Wait until `predicate(calls)` holds; the calls then. AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while not predicate(calls := self.calls()):
            if time.monotonic() >= deadline:
                raise AssertionError(f"not reached in {timeout}s; calls: {_summary(calls)}")
            await asyncio.sleep(0.02)
        return calls

    def wait_for_sync(
        self, predicate: Callable[[list[ApiCall]], bool], timeout: float = 10.0
    ) -> list[ApiCall]:
        """`wait_for` for synchronous tests (server in a thread, bot in a subprocess)."""
        deadline = time.monotonic() + timeout
        while not predicate(calls := self.calls()):
            if time.monotonic() >= deadline:
                raise AssertionError(f"not reached in {timeout}s; calls: {_summary(calls)}")
            time.sleep(0.02)
        return calls

    async def wait_for_call(
        self, method: str, *, chat_id: ChatId | None = None, count: int = 1, timeout: float = 10.0
    ) -> ApiCall:
        """The `count`-th call of `method` (into `chat_id`), once it was answered."""

        def reached(calls: list[ApiCall]) -> bool:
            return len(_matching(calls, method, chat_id)) >= count

        calls = await self.wait_for(reached, timeout)
        return _matching(calls, method, chat_id)[count - 1]

    async def sent_messages(
        self, chat_id: ChatId, *, count: int = 1, timeout: float = 10.0
    ) -> list[Message]:
        """Messages delivered into `chat_id`, as sent, once there are at least `count`."""
        await self.wait_for(lambda _: len(self.sends(chat_id)) >= count, timeout)
        return [Message.de_json(call.result, self._ptb) for call in self.sends(chat_id)]


def _check_rate(times: list[float], at: float, window: float, limit: int) -> None:
    recent = sorted(moment for moment in times if at - moment < window)
    if len(recent) >= limit:
        raise too_many_requests(max(1, math.ceil(recent[-limit] + window - at)))


def _matching(calls: list[ApiCall], method: str, chat_id: ChatId | None) -> list[ApiCall]:
    return [c for c in calls if c.method == method and (chat_id is None or c.chat_id == chat_id)]


def _summary(calls: list[ApiCall]) -> str:
    shown = [f"{c.method}({c.chat_id}){'' if c.ok else f'->{c.error_code}'}" for c in calls]
    return ", ".join(shown[-30:]) or "none"


def _check_button(button: JSON) -> None:
    if not button.get("text"):
        raise bad_request("text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    actions = set(button) - {"text", "style", "icon_custom_emoji_id"}
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    limits = InlineKeyboardButtonLimit
    if data is not None and not (
        limits.MIN_CALLBACK_DATA <= len(str(data).encode()) <= limits.MAX_CALLBACK_DATA
    ):
        raise bad_request("BUTTON_DATA_INVALID")


def _button_data(message: JSON, text: str) -> str:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    buttons = [button for row in rows for button in row]
    for button in buttons:
        if button["text"] == text and "callback_data" in button:
            return str(button["callback_data"])
    raise KeyError(f"no callback button {text!r}; buttons: {[b['text'] for b in buttons]}")


def _check_poll(question: str, options: list[str]) -> None:
    if not PollLimit.MIN_QUESTION_LENGTH <= len(question) <= PollLimit.MAX_QUESTION_LENGTH:
        raise bad_request("POLL_QUESTION_INVALID")
    if not PollLimit.MIN_OPTION_NUMBER <= len(options) <= PollLimit.MAX_OPTION_NUMBER:
        raise bad_request("POLL_ANSWERS_INVALID")
    for option in options:
        if not PollLimit.MIN_OPTION_LENGTH <= len(option) <= PollLimit.MAX_OPTION_LENGTH:
            raise bad_request("POLL_ANSWER_INVALID")


def _check_command(command: Any) -> None:
    if not isinstance(command, dict):
        raise bad_request("BOT_COMMAND_INVALID")
    name, description = str(command.get("command", "")), str(command.get("description", ""))
    if not re.fullmatch(rf"[a-z0-9_]{{1,{BotCommandLimit.MAX_COMMAND}}}", name):
        raise bad_request("BOT_COMMAND_INVALID")
    if not BotCommandLimit.MIN_DESCRIPTION <= len(description) <= BotCommandLimit.MAX_DESCRIPTION:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")


def _image_size(upload: UploadedFile) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(upload.content)) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        raise bad_request("IMAGE_PROCESS_FAILED") from None


# --- the HTTP server ------------------------------------------------------------------------

_METHOD_PATH = re.compile(r"/bot([^/]+)/([A-Za-z0-9_]+)/?")
_FILE_PATH = re.compile(r"/file/bot([^/]+)/(.+)")


async def read_params(request: web.Request) -> tuple[JSON, dict[str, UploadedFile]]:
    """Parameters from the query string and a JSON, urlencoded or multipart body."""
    params: JSON = {key: decode_param(key, value) for key, value in request.query.items()}
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json" and request.can_read_body:
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("the JSON body is not an object")
        params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[key] = UploadedFile(
                    key, value.filename, value.file.read(), value.content_type
                )
            elif isinstance(value, str):
                params[key] = decode_param(key, value)
    return params, files


class TelegramApiServer:
    """The Bot API on 127.0.0.1:<free port>; `account` is the default bot."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        username: str = DEFAULT_USERNAME,
        *,
        retry_policy: RetryPolicy | None = None,
        routes: Sequence[web.RouteDef] = (),
    ) -> None:
        self.retry_policy = retry_policy or RetryPolicy()
        self.routes = list(routes)  # more routes, before the Bot API's (benchmarks)
        self._accounts: dict[str, BotAccount] = {}
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._port: int | None = None
        self.account = self.add_account(token, username)

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("the server is not started")
        return f"http://127.0.0.1:{self._port}"

    def add_account(self, token: str, username: str) -> BotAccount:
        """Another bot with its own token, updates and records."""
        account = BotAccount(self, token, username, self.retry_policy)
        self._accounts[token] = account
        if self._loop is not None and self._http is not None:
            account.bind(self._loop, self._http)
        return account

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._http = aiohttp.ClientSession()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.add_routes(self.routes)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self._port = sock.getsockname()[1]
        for account in self._accounts.values():
            account.bind(self._loop, self._http)

    async def stop(self) -> None:
        for account in self._accounts.values():
            await account.close()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()
        self._runner = self._http = None

    async def __aenter__(self) -> TelegramApiServer:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if found := _FILE_PATH.fullmatch(request.path):
            return self._serve_file(found[1], found[2])
        found = _METHOD_PATH.fullmatch(request.path)
        if found is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        account = self._accounts.get(found[1])
        if account is None:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        try:
            params, files = await read_params(request)
        except ValueError:
            error = bad_request("can't parse request body")
            return web.json_response(error.body(), status=400)
        status, body = await account.handle(found[2], params, files)
        return web.json_response(body, status=status)

    def _serve_file(self, token: str, file_path: str) -> web.StreamResponse:
        account = self._accounts.get(token)
        content = None if account is None else account.file_content(file_path)
        if content is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        return web.Response(body=content, content_type="application/octet-stream")


@contextlib.contextmanager
def serve_in_thread(
    server: TelegramApiServer | None = None, timeout: float = 10.0
) -> Iterator[TelegramApiServer]:
    """Run the server in its own thread and loop, e.g. for bots in a subprocess."""
    server = server or TelegramApiServer()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="telegram-api-server", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout)
        yield server
    finally:
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        loop.close()


# --- pytest fixtures (import them into a test module) --------------------------------------


@pytest_asyncio.fixture(name="telegram_server")
async def telegram_server_fixture() -> AsyncIterator[TelegramApiServer]:
    """The server in the test's event loop."""
    async with TelegramApiServer() as server:
        yield server


@pytest.fixture(name="telegram_api")
def telegram_api_fixture(telegram_server: TelegramApiServer) -> BotAccount:
    """The default bot account of `telegram_server`."""
    return telegram_server.account


@pytest.fixture(name="threaded_telegram_server")
def threaded_telegram_server_fixture() -> Iterator[TelegramApiServer]:
    """The server in a background thread, for a bot that runs in a subprocess."""
    with serve_in_thread() as server:
        yield server
