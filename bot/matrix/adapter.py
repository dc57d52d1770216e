"""The Matrix adapter: the Adapter port on matrix-nio, in direct chats and rooms."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Collection

from bot.adapter import IncomingHandler, RetryAfter
from bot.matrix import polls
from bot.matrix.attachments import attachment_content
from bot.matrix.inbound import Inbound
from bot.matrix.invites import Invites, greeting
from bot.matrix.reactions import ReactionVotes
from bot.matrix.render import Part, Renderer
from bot.matrix.rooms import Rooms
from bot.matrix.sending import CONNECTION_ERRORS, EventSender, RoomPacer, transaction_id
from bot.matrix.session import LoginRefused, MatrixConfig, log_in, new_client
from bot.matrix.store import PLATFORM, MatrixStore
from bot.matrix.sync import SyncLoop, backoff
from handlers.core.i18n import Catalogues, catalogues
from handlers.core.messages import Attachment, Reply
from handlers.core.registry import registry
from schedules.core.clock import Clock
from storage.leases import Leases, delivery_lease
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

NOT_READY_RETRY_S = 2.0
LEASE_CHECK_S = 1.0


class LeaseLost(Exception):
    """Another process may sync as the bot's device now: this one must stop."""


class MatrixAdapter:
    """Syncs in the background and sends what the outbox hands it.

    `stop()` ends the sync (no more incoming events); the connection stays open for the
    runtime's last deliveries until the `start()` task is cancelled.

    With several processes on one store, only the one that holds the Matrix delivery
    lease logs in, syncs and sends: two processes syncing as one device would race for
    its keys. The others stand by, without a connection, and one takes over within
    seconds when that process dies; the device id and its crypto store are in
    `store_dir`, which every process must share (one folder on a shared volume), so
    encrypted rooms go on with the same keys.
    """

    platform = PLATFORM
    idempotent_sends = True

    def __init__(
        self,
        config: MatrixConfig,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        texts: Catalogues | None = None,
        commands: Collection[str] | None = None,
        leases: Leases | None = None,
    ) -> None:
        self.config = config
        self.leases = leases
        self.texts = texts or catalogues()
        self.store = MatrixStore(uow_factory, clock)
        self.client = new_client(config)
        self.rooms = Rooms(self.client, self.store)
        pacer = RoomPacer(config.room_messages_per_second, config.room_burst)
        self.sender = EventSender(self.client, pacer)
        # The registry's own dict: commands registered after this still count.
        known = registry.commands if commands is None else commands
        self.renderer = Renderer(known, self.texts)
        self.invites = Invites(self.client, self.rooms, self.store, config.invite_servers)
        self.inbound = Inbound(
            self.client, self.rooms, self.store, ReactionVotes(self.store), known
        )
        self.sync = SyncLoop(
            self.client,
            self.store,
            self.rooms,
            self.inbound,
            self.invites,
            self._greet,
            self._relogin,
            config.sync_timeout_ms,
        )
        self._salt: str | None = None
        self._syncing: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        """Logged in: sends can go out."""
        return self._salt is not None

    # -- the port ---------------------------------------------------------------------

    async def start(self, on_event: IncomingHandler) -> None:
        try:
            await self._wait_for_lease()
            await self._connect()
            self._syncing = asyncio.create_task(self.sync.run(on_event), name="matrix-sync")
            watching = asyncio.create_task(self._watch_lease(), name="matrix-lease")
            await asyncio.wait([self._syncing, watching], return_when=asyncio.FIRST_COMPLETED)
            if watching.done():
                self._syncing.cancel()
                watching.result()  # raises LeaseLost
            watching.cancel()
            if not self._syncing.cancelled():
                self._syncing.result()  # raises what ended the sync, e.g. LoginRefused
            await asyncio.Future()  # stopped: keep the connection for the last deliveries
        finally:
            if self._syncing is not None:
                self._syncing.cancel()
            await self.client.close()

    async def stop(self) -> None:
        self.sync.stopping = True
        if self._syncing is not None:
            self._syncing.cancel()

    async def send(self, chat_id: str, reply: Reply, delivery_id: int) -> str | None:
        if not self.ready or self._salt is None:
            raise RetryAfter(NOT_READY_RETRY_S)  # not logged in yet
        direct = await self.rooms.is_direct(chat_id)
        parts = self._parts(reply, direct)
        sent: list[str] = []
        for index, part in enumerate(parts):
            txn = transaction_id(self._salt, delivery_id, index, part.content)
            sent.append(
                await self.sender.send(chat_id, part.event_type, part.content, txn, not direct)
            )
        shown = [
            (event, *part.shows) for event, part in zip(sent, parts, strict=True) if part.shows
        ]
        if shown:
            await asyncio.to_thread(self.store.remember_shown, chat_id, shown)
        if reply.document or reply.image:
            index = len(parts)
            sent.append(await self._send_attachment(chat_id, reply, delivery_id, index, direct))
        if reply.widget is not None and not direct:
            await self.sender.put_widget(chat_id, reply.widget)
        return self._primary(reply, sent)

    async def private_chat_of(self, platform_user_id: str) -> str | None:
        """People the bot has no direct chat with get one when it must reach them."""
        return await self.rooms.direct_chat_with(platform_user_id)

    # -- sending ------------------------------------------------------------------------

    def _parts(self, reply: Reply, direct: bool) -> list[Part]:
        poll = reply.poll
        if poll is not None and not poll.closed:
            return [Part(polls.start_content(poll), event_type=polls.START)]
        parts = []
        if poll is not None and poll.poll_ref:
            parts.append(Part(polls.end_content(poll.poll_ref, reply.text), event_type=polls.END))
        return parts + self.renderer.text_parts(reply, direct)

    def _primary(self, reply: Reply, sent: list[str]) -> str | None:
        """The event that stands for the reply: the poll's start, else the text."""
        if reply.poll is not None and reply.poll.closed and len(sent) > 1:
            return sent[1]
        return sent[0] if sent else None

    async def _send_attachment(
        self, chat_id: str, reply: Reply, delivery_id: int, index: int, direct: bool
    ) -> str:
        attachment = reply.image or reply.document
        assert attachment is not None
        room = self.client.rooms.get(chat_id)
        encrypted = bool(room is not None and room.encrypted)
        content = await attachment_content(
            self.client, self.sender, attachment, reply.image is not None, encrypted
        )
        # The upload's address differs on every try; the file itself does not.
        txn = transaction_id(self._salt or "", delivery_id, index, fingerprint(attachment))
        return await self.sender.send(chat_id, "m.room.message", content, txn, not direct)

    async def _greet(self, room_id: str, direct: bool) -> None:
        text = greeting(self.texts, self.config.default_language, direct)
        part = self.renderer.notice(text)
        txn = f"bc{self._salt}-greet-{hashlib.sha256(room_id.encode()).hexdigest()[:16]}"
        try:
            await self.sender.send(room_id, part.event_type, part.content, txn, not direct)
        except Exception as error:  # the next sync tries again
            log.warning("greeting in %s failed: %r", room_id, error)
            return
        await self.invites.greeted(room_id)

    # -- the lease ----------------------------------------------------------------------

    def _holds_lease(self) -> bool:
        return self.leases is None or self.leases.holds(delivery_lease(PLATFORM))

    async def _wait_for_lease(self) -> None:
        """Until this process may sync (the outbox sender takes the lease when free)."""
        if not self._holds_lease():
            log.info("Matrix: another process syncs as the bot; standing by")
        while not self._holds_lease():
            await asyncio.sleep(LEASE_CHECK_S / 2)

    async def _watch_lease(self) -> None:
        while self._holds_lease():
            await asyncio.sleep(LEASE_CHECK_S)
        raise LeaseLost("the Matrix lease was lost (the store's connection broke)")

    # -- the session ------------------------------------------------------------------

    async def _connect(self) -> None:
        """Log in, waiting out an unreachable homeserver; wrong credentials end the bot."""
        failures = 0
        while True:
            try:
                await log_in(self.client, self.config)
                break
            except CONNECTION_ERRORS as error:
                failures += 1
                log.warning("cannot reach %s (%r)", self.config.homeserver, error)
                await asyncio.sleep(backoff(failures))
        await self.invites.load()
        await self.inbound.load()
        self._salt = await asyncio.to_thread(self.store.txn_salt)
        log.info("Matrix: %s on device %s", self.client.user_id, self.client.device_id)

    async def _relogin(self) -> None:
        if not self.config.password:
            raise LoginRefused("the homeserver no longer accepts the access token")
        with contextlib.suppress(*CONNECTION_ERRORS):
            await log_in(self.client, self.config)


def fingerprint(attachment: Attachment) -> dict[str, str]:
    digest = hashlib.sha256(attachment.content).hexdigest()
    return {"file": attachment.filename, "sha256": digest}
