"""From a neutral reply to Bot API calls: messages, edits, photos, documents.

Quick polls are ordinary messages with a button per option (Telegram's own polls cannot
be limited to the event's members, and their answers would be secret from the bot); a
poll's closing edits its message to the result.

Every message send waits for its turn at the pacer; edits and callback answers are not
messages and are not paced. Telegram's answers become the outbox's vocabulary: a 429 is
`RetryAfter`, a blocked bot `Unreachable`, anything else a failed attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial

from telegram import Bot, InputFile, Message
from telegram import error as tg_error
from telegram.warnings import PTBDeprecationWarning

from bot.adapter import RetryAfter, Unreachable
from bot.telegram.pacing import SendPacer
from bot.telegram.rendering import (
    CAPTION_LIMIT,
    PARSE_MODE,
    escape,
    html_pieces,
    inline_keyboard,
    long_data,
    state_key,
    telegram_length,
)
from bot.telegram.store import TelegramStore
from handlers.core.messages import Attachment, Refresh, Reply

log = logging.getLogger(__name__)

TOAST_LIMIT = 200
# Edited messages whose newest edit we remember (see `EditOrder`).
EDITS_REMEMBERED = 10_000
# A piece after the first is part of a message already begun: wait out a 429 here.
CONTINUATION_ATTEMPTS = 3
_UNREACHABLE_CHAT = ("chat not found", "user not found", "peer_id_invalid")


def retry_seconds(error: tg_error.RetryAfter) -> float:
    with warnings.catch_warnings():  # an int, with a warning, unless PTB_TIMEDELTA is set
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class OpenQueries:
    """Button presses not answered yet: the spinner on the person's button still turns."""

    def __init__(self) -> None:
        self._by_event: dict[str, str] = {}

    def add(self, event_key: str, query_id: str) -> None:
        self._by_event[event_key] = query_id

    def take(self, event_key: str) -> str | None:
        return self._by_event.pop(event_key, None)

    def __contains__(self, event_key: object) -> bool:
        return event_key in self._by_event


class EditOrder:
    """The newest edit applied to each message, by outbox delivery id: an edit that failed
    and is retried later must not overwrite a newer one (a poll's counts, or its result).

    The outbox keeps a chat's order across a 429 (the platform pauses), not across a
    failed attempt's back-off, which lets later messages by.
    """

    def __init__(self, remembered: int = EDITS_REMEMBERED) -> None:
        self._newest: dict[tuple[str, str], int] = {}
        self._remembered = remembered

    def superseded(self, chat_id: str, message_id: str, delivery_id: int) -> bool:
        return self._newest.get((chat_id, message_id), delivery_id) > delivery_id

    def applied(self, chat_id: str, message_id: str, delivery_id: int) -> None:
        key = (chat_id, message_id)
        self._newest[key] = max(delivery_id, self._newest.pop(key, delivery_id))
        if len(self._newest) > self._remembered:
            del self._newest[next(iter(self._newest))]  # the one edited longest ago


class TelegramSender:
    def __init__(
        self, bot: Bot, store: TelegramStore, pacer: SendPacer, queries: OpenQueries
    ) -> None:
        self.bot = bot
        self.store = store
        self.pacer = pacer
        self.queries = queries
        self.edits = EditOrder()

    async def send(self, chat_id: str, reply: Reply, delivery_id: int = 0) -> str | None:
        try:
            return await self._send(chat_id, reply, delivery_id)
        except tg_error.RetryAfter as error:
            raise RetryAfter(retry_seconds(error)) from error
        except tg_error.Forbidden as error:
            raise Unreachable(error.message) from error
        except tg_error.BadRequest as error:
            if any(reason in error.message.lower() for reason in _UNREACHABLE_CHAT):
                raise Unreachable(error.message) from error
            raise

    async def answer_press(self, event_key: str, notice: str = "") -> None:
        """Stop the button's spinner, with a short notice if there is one."""
        query_id = self.queries.take(event_key)
        if query_id is None:
            return
        toast = notice if len(notice) <= TOAST_LIMIT else notice[: TOAST_LIMIT - 1] + "…"
        try:
            await self.bot.answer_callback_query(query_id, text=toast or None)
        except tg_error.TelegramError as error:  # too old after a restart: nothing to stop
            log.info("could not answer button press %s: %s", event_key, error)

    async def _send(self, chat_id: str, reply: Reply, delivery_id: int) -> str | None:
        await self._keep_long_button_data(reply)
        if reply.poll is not None and reply.poll.closed:
            await self._close_poll_message(chat_id, reply, reply.poll.poll_ref, delivery_id)
        if reply.refresh is not None and not reply.refresh.message_id:
            await self.answer_press(reply.refresh.press_id, reply.refresh.notice)
            return None  # for the presser's eyes only: nothing in the chat
        if reply.refresh is not None:
            return await self._edit(chat_id, reply, reply.refresh, delivery_id)
        attachment = reply.image or reply.document
        if attachment is not None:
            return await self._send_file(chat_id, reply, attachment)
        return await self._send_text(chat_id, reply)

    async def _keep_long_button_data(self, reply: Reply) -> None:
        for data in long_data(reply.buttons):
            await asyncio.to_thread(self.store.remember, state_key(data), data)

    # -- text ----------------------------------------------------------------------------

    async def _send_text(self, chat_id: str, reply: Reply) -> str:
        pieces = html_pieces(reply.text)
        keyboard = inline_keyboard(reply.buttons)
        sent: Message | None = None
        for number, piece in enumerate(pieces):
            last = number == len(pieces) - 1
            sending = partial(
                self.bot.send_message,
                chat_id,
                piece,
                parse_mode=PARSE_MODE,
                reply_markup=keyboard if last else None,
            )
            sent = await self._paced(chat_id, sending, continuation=number > 0)
        assert sent is not None
        return str(sent.message_id)

    async def _edit(self, chat_id: str, reply: Reply, refresh: Refresh, delivery_id: int) -> str:
        """Re-render the pressed message (the ballot, a poll) and show the notice as a toast."""
        message_id = refresh.message_id
        answering = self.answer_press(refresh.press_id, refresh.notice)
        if self.edits.superseded(chat_id, message_id, delivery_id):
            await answering  # the message shows a newer state already
            return message_id
        text = html_pieces(reply.text)[-1]
        editing = self.bot.edit_message_text(
            text,
            chat_id,
            int(message_id),
            parse_mode=PARSE_MODE,
            reply_markup=inline_keyboard(reply.buttons),
        )
        try:
            await asyncio.gather(editing, answering)
        except tg_error.BadRequest as error:
            reason = error.message.lower()
            if "not found" in reason or "can't be edited" in reason:
                return await self._send_text(chat_id, reply)
            if "not modified" not in reason:
                raise
        self.edits.applied(chat_id, message_id, delivery_id)
        return message_id

    # -- files ---------------------------------------------------------------------------

    async def _send_file(self, chat_id: str, reply: Reply, attachment: Attachment) -> str:
        """The text as caption where it fits; otherwise the file first, then the text."""
        fits = telegram_length(reply.text) <= CAPTION_LIMIT
        caption = escape(reply.text) if fits and reply.text else None
        keyboard = inline_keyboard(reply.buttons) if fits else None
        upload = InputFile(attachment.content, filename=attachment.filename)
        method = self.bot.send_photo if reply.image is not None else self.bot.send_document
        sending = partial(
            method, chat_id, upload, caption=caption, parse_mode=PARSE_MODE, reply_markup=keyboard
        )
        sent = await self._paced(chat_id, sending)
        if fits:
            return str(sent.message_id)
        return await self._send_text(chat_id, reply)

    # -- polls -------------------------------------------------------------------------

    async def _close_poll_message(
        self, chat_id: str, reply: Reply, message_id: str, delivery_id: int
    ) -> None:
        """The poll's message shows the result, without its buttons; no count held back
        by a 429 brings them back (`EditOrder`)."""
        if not message_id.isdigit():
            return
        text = html_pieces(reply.text)[-1]
        editing = self.bot.edit_message_text(text, chat_id, int(message_id), parse_mode=PARSE_MODE)
        with contextlib.suppress(tg_error.BadRequest):  # deleted, or shows this already
            await editing
        self.edits.applied(chat_id, message_id, delivery_id)

    # -- pacing --------------------------------------------------------------------------

    async def _paced(
        self, chat_id: str, call: Callable[[], Awaitable[Message]], continuation: bool = False
    ) -> Message:
        attempts = CONTINUATION_ATTEMPTS if continuation else 1
        for attempt in range(1, attempts + 1):
            try:
                async with self._turn(chat_id):
                    return await call()
            except tg_error.RetryAfter as error:
                if attempt == attempts:
                    raise
                await asyncio.sleep(retry_seconds(error))
        raise AssertionError("unreachable")

    @contextlib.asynccontextmanager
    async def _turn(self, chat_id: str) -> AsyncIterator[None]:
        # Group and supergroup ids are negative; private chats have the user's id.
        async with self.pacer.turn(chat_id, is_group=chat_id.startswith("-")):
            yield
