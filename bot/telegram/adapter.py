"""The Telegram adapter: updates in through a durable inbox, replies out through the pacer.

Every update is kept in the store (`inboxevent`, key "update:<id>") before Telegram is
told it arrived; then it is handled from there, and the core marks it handled in the
same transaction as its use case. Killed at any moment, the bot loses no update and
handles none twice: at start it handles what was kept but not handled yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial

from telegram import Update
from telegram import error as tg_error
from telegram.constants import ChatMemberStatus

from bot.adapter import IncomingHandler
from bot.telegram.lanes import Lanes
from bot.telegram.leadership import Leadership
from bot.telegram.menus import Menus
from bot.telegram.options import TelegramOptions
from bot.telegram.pacing import SendLimits, SendPacer
from bot.telegram.polling import Poller, PollingBot, Received
from bot.telegram.rendering import is_stored_key, state_key
from bot.telegram.request import AiohttpRequest
from bot.telegram.sending import OpenQueries, TelegramSender
from bot.telegram.store import PLATFORM, StoredUpdate, TelegramStore, external_id
from bot.telegram.updates import ALLOWED_UPDATES, Translated, translate
from bot.telegram.webhook import WebhookServer
from handlers.core.i18n import Catalogues, catalogues
from handlers.core.messages import ButtonPress, IncomingText, Reply, asks_group_admin
from handlers.core.registry import Registry, registry
from storage.leases import Leases

log = logging.getLogger(__name__)

# Updates waiting in memory before we ask Telegram for more (they are safe in the store).
MAX_BACKLOG = 1000
# How long a stop waits for the updates received to be handled.
STOP_DRAIN_SECONDS = 5.0
TEAM_MENU_REFRESH_SECONDS = 300.0
CONNECT_PAUSE_MAX_SECONDS = 60.0
# Kept updates not handled after this long belong to a process that stopped.
ABANDONED_AFTER = timedelta(seconds=10)
ABANDONED_CHECK_SECONDS = 3.0

Work = tuple[str, Translated]
# Told the bot's username once getMe answered, before the first update is handled.
UsernameHandler = Callable[[str], None]


class TelegramAdapter:
    platform = PLATFORM
    # A message in flight when the process died may have arrived: never sent twice.
    idempotent_sends = False

    def __init__(
        self,
        options: TelegramOptions,
        store: TelegramStore,
        *,
        limits: SendLimits | None = None,
        texts: Catalogues | None = None,
        commands: Registry | None = None,
        concurrency: int | None = None,
        on_username: UsernameHandler | None = None,
        leases: Leases | None = None,
    ) -> None:
        self.options = options
        self.leadership = Leadership(leases)
        self.on_username = on_username
        self.store = store
        self.bot = PollingBot(
            options.token,
            base_url=options.base_url,
            base_file_url=options.base_file_url,
            request=AiohttpRequest(),
            get_updates_request=AiohttpRequest(connections=1),
        )
        self.queries = OpenQueries()
        self.sender = TelegramSender(self.bot, store, SendPacer(limits), self.queries)
        self.menus = Menus(
            self.bot, commands or registry, texts or catalogues(), store, options.default_language
        )
        self.webhook: WebhookServer | None = None
        self.concurrency = concurrency or options.concurrency
        self._on_event: IncomingHandler | None = None
        self._lanes: Lanes[Work] | None = None
        self._queued: set[str] = set()  # updates in this process's lanes
        self._picked_up: set[str] = set()  # abandoned ones tried here (each once)
        self._background: list[asyncio.Task[None]] = []

    # -- the Adapter port ------------------------------------------------------------------

    async def start(self, on_event: IncomingHandler) -> None:
        """Receive until `stop()`; the bot stays open for the runtime's last flush."""
        self._on_event = on_event
        self._lanes = Lanes(self._handle, self.concurrency)
        try:
            await self._connect()
            await self._publish_menus()
            await self._handle_kept_updates()
            receiving = asyncio.create_task(self._receive(), name="telegram updates")
            self._background += [
                receiving,
                asyncio.create_task(self._refresh_team_menus()),
                asyncio.create_task(self._handle_abandoned_updates()),
            ]
            await asyncio.wait([receiving])
            if not receiving.cancelled() and receiving.exception() is not None:
                raise receiving.exception()  # type: ignore[misc]
            await asyncio.Event().wait()  # until the runtime cancels us after its flush
        finally:
            await self._close()

    async def stop(self) -> None:
        """Stop receiving; sends still work until the start task is cancelled."""
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        if self.webhook is not None:
            await self.webhook.stop()
        if self._lanes is not None:
            # Updates already received are handled before we go, so their raw content
            # (names, text) does not wait in the store for the next start.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lanes.wait_idle(), STOP_DRAIN_SECONDS)
            await self._lanes.cancel()

    async def send(self, chat_id: str, reply: Reply, delivery_id: int) -> str | None:
        return await self.sender.send(chat_id, reply, delivery_id)

    async def private_chat_of(self, platform_user_id: str) -> str | None:
        # A private chat's id is the user's id; it works once they have started the bot.
        return platform_user_id

    @property
    def username(self) -> str:
        return self.bot.username

    @property
    def handling(self) -> int:
        """Updates received and not done with yet (a press's spinner is stopped last)."""
        return self._lanes.backlog if self._lanes is not None else 0

    # -- connecting ------------------------------------------------------------------------

    async def _connect(self) -> None:
        """getMe until Telegram answers; a wrong token is fatal."""
        await _until_reachable(self.bot.initialize)
        if self.on_username is not None:
            self.on_username(self.username)
        configured = (self.options.link_username or "").removeprefix("@")
        if configured and configured.casefold() != self.username.casefold():
            # The setting wins: join links and QR codes would lead elsewhere.
            log.warning(
                "BARCAMP_TELEGRAM_BOT_USERNAME is %r, but this bot is @%s: set %s or unset it",
                configured,
                self.username,
                self.username,
            )

    async def _publish_menus(self) -> None:
        try:
            await self.menus.publish()
        except tg_error.TelegramError as error:
            log.warning("could not publish the command menus: %s", error)

    async def _refresh_team_menus(self) -> None:
        while True:
            with contextlib.suppress(tg_error.TelegramError):
                await self.menus.refresh_team()
            await asyncio.sleep(TEAM_MENU_REFRESH_SECONDS)

    async def _receive(self) -> None:
        webhook = self.options.webhook
        if webhook is None:
            while True:  # standing by until this process may poll; polling while it may
                await self.leadership.wait_to_poll()
                await Poller(self.bot, self._keep, leading=self.leadership.polls).run()
        self.webhook = WebhookServer(webhook, self._keep)
        await self.webhook.start()
        await _until_reachable(
            partial(
                self.bot.set_webhook,
                webhook.public_url,
                secret_token=webhook.secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        )
        await asyncio.Event().wait()

    async def _close(self) -> None:
        await self.stop()
        with contextlib.suppress(Exception):
            await self.bot.shutdown()

    # -- the inbox -------------------------------------------------------------------------

    async def _handle_kept_updates(self) -> None:
        """What a killed process had kept but not handled: first, in its order."""
        for stored in await asyncio.to_thread(self.store.unhandled):
            self._queue(stored)

    async def _handle_abandoned_updates(self) -> None:
        """Updates that another process kept and then died before handling them: the
        process that delivers the outbox handles them, once they are a while old. Each
        once: one whose handling fails waits for a restart, as in a single process."""
        while True:
            await asyncio.sleep(ABANDONED_CHECK_SECONDS)
            if not self.leadership.delivers():
                continue
            for stored in await asyncio.to_thread(self.store.unhandled, 1000, ABANDONED_AFTER):
                key = stored.external_id
                if key not in self._queued and key not in self._picked_up:
                    log.info("handling %s, kept by a process that stopped", key)
                    self._picked_up.add(key)
                    # Its button's spinner is not ours to stop: the process that kept it
                    # may have answered it, and by now Telegram has stopped it anyway.
                    self._queue(stored, answer_press=False)

    async def _keep(self, batch: list[Received]) -> None:
        """Store a batch (this is what makes confirming it safe), then queue it."""
        payloads = [payload for payload, _ in batch]
        read = {external_id(update.update_id): update for _, update in batch}
        for stored in await asyncio.to_thread(self.store.record, payloads):
            self._queue(stored, read.get(stored.external_id))
        assert self._lanes is not None
        while self._lanes.backlog > MAX_BACKLOG:
            await asyncio.sleep(0.05)

    def _queue(
        self, stored: StoredUpdate, update: Update | None = None, answer_press: bool = True
    ) -> None:
        try:
            update = update or Update.de_json(stored.payload, self.bot)
            translated = translate(update, stored.external_id, self.username)
        except Exception:  # an update we cannot read must not block the ones after it
            log.exception("cannot read %s; marking it handled", stored.external_id)
            translated = Translated(None, "unreadable")
        if translated.callback_query_id is not None and answer_press:
            self.queries.add(stored.external_id, translated.callback_query_id)
        self._queued.add(stored.external_id)
        assert self._lanes is not None
        self._lanes.put(translated.lane, (stored.external_id, translated))

    async def _handle(self, work: Work) -> None:
        key, translated = work
        try:
            await self._handle_event(key, translated)
        finally:
            self._queued.discard(key)

    async def _handle_event(self, key: str, translated: Translated) -> None:
        event = translated.event
        if isinstance(event, ButtonPress) and is_stored_key(event.data):
            data = await asyncio.to_thread(self.store.recall, state_key(event.data))
            event = (
                ButtonPress(event.sender, event.chat, data, event.message_id, key) if data else None
            )
        if isinstance(event, IncomingText) and asks_group_admin(event):
            event = await self._with_group_standing(event)
        try:
            if event is None:
                await asyncio.to_thread(
                    self.store.finish_without_use_case, key, translated.reachable
                )
            else:
                assert self._on_event is not None
                await self._on_event(event)
        finally:
            # The spinner stops even when nothing was said; a press whose answer edited
            # the pressed message was answered with it (and the toast) already.
            if key in self.queries:
                await self.sender.answer_press(key)

    async def _with_group_standing(self, event: IncomingText) -> IncomingText:
        """The line with `group_admin` as Telegram says (owner or administrator)."""
        try:
            member = await self.bot.get_chat_member(event.chat.chat_id, int(event.sender.user_id))
        except tg_error.TelegramError as error:
            log.warning("cannot tell whether %s is a group admin: %s", event.sender.user_id, error)
            return event  # not an admin, as far as we know: the command is refused
        admin = member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
        return replace(event, sender=replace(event.sender, group_admin=admin))


async def _until_reachable(call: Callable[[], Awaitable[object]]) -> None:
    """Retry while Telegram cannot be reached; a wrong token or request is fatal."""
    pause = 1.0
    while True:
        try:
            await call()
            return
        except (tg_error.InvalidToken, tg_error.BadRequest):
            raise
        except tg_error.NetworkError as error:
            log.warning("Telegram not reachable (%s); again in %.0f s", error, pause)
            await asyncio.sleep(pause)
            pause = min(CONNECT_PAUSE_MAX_SECONDS, pause * 2)
