"""Delivers the outbox: exactly the messages the store says, each at most once.

Several bot processes may share the store. Each delivers the answers it claimed itself
when it handled an event (they leave at once); the messages queued for later (an
announcement, a reminder) are delivered by the one process that holds the platform's
delivery lease, so one pacer keeps all processes within the platform's limits. That
process also takes over what a dead process was sending: messages claimed by a worker
whose lease nobody holds any more are handled as after a crash (see `recover`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from bot.adapter import Adapter, RetryAfter, Unreachable
from handlers.core.messages import Reply
from handlers.core.outbox_replies import payload_to_reply
from schedules.core.clock import Clock
from storage.core.inbox_outbox import backoff
from storage.core.shared_tables import DeliveryStatus, MessageRef
from storage.leases import Leases, delivery_lease, worker_lease
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
IDLE_WAIT_SECONDS = 5.0
# With other processes on the store, which queue messages without waking this one.
SHARED_IDLE_WAIT_SECONDS = 1.0
# How often the delivering process looks for messages a dead process was sending.
TAKE_OVER_SECONDS = 2.0
# Telegram counts its overall limit (about 30 messages) per second.
FLOOD_WINDOW_SECONDS = 1.0


@dataclass(frozen=True)
class Delivery:
    id: int
    chat_id: str | None
    recipient_user_id: str | None
    person_id: int | None
    reply: Reply


@dataclass(frozen=True)
class Sent:
    platform: str
    delivery: Delivery
    chat_id: str
    platform_message_id: str | None


class OutboxSender:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        adapters: Mapping[str, Adapter],
        clock: Clock,
        max_in_flight: int = 8,
        *,
        worker: str | None = None,
        leases: Leases | None = None,
    ) -> None:
        """Without `leases` this sender is the only one: it delivers everything and
        takes every message being sent at its start for interrupted."""
        self.uow_factory = uow_factory
        self.adapters = adapters
        self.clock = clock
        self.worker = worker
        self.leases = leases
        self._taken_over_at = 0.0
        self._locks = {platform: asyncio.Lock() for platform in adapters}
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._paused_until: dict[str, float] = {}
        self._wake = asyncio.Event()
        # Concurrent sends record their success together (one transaction, many rows).
        self._record_sent = GroupCommit(self._mark_sent)

    def recover(self) -> None:
        """After a crash: resend where that cannot duplicate, else skip (at most once).

        With leases, only the messages of processes that are gone (their worker lease
        is free), and only on the platforms this process delivers.
        """
        with self.uow_factory() as uow:
            for platform, adapter in self.adapters.items():
                if not self.delivers(platform):
                    continue
                for message in uow.outbox.interrupted(platform, self._gone(uow, platform)):
                    if adapter.idempotent_sends:
                        uow.outbox.requeue(message)
                    else:
                        log.warning("not resending interrupted message %s", message.id)
                        uow.outbox.finish(
                            message, DeliveryStatus.SKIPPED, self.clock.now(), error="interrupted"
                        )

    def _gone(self, uow: UnitOfWork, platform: str) -> set[str | None] | None:
        """The claimants of messages being sent whose process is gone (None: all)."""
        if self.leases is None:
            return None
        leases = self.leases
        return {
            claimant
            for claimant in uow.outbox.claimants(platform)
            if claimant != self.worker
            and (claimant is None or not leases.held_elsewhere(worker_lease(claimant)))
        }

    def delivers(self, platform: str) -> bool:
        """Does this process deliver the platform's queued messages?"""
        return self.leases is None or self.leases.holds(delivery_lease(platform))

    def _lead(self) -> bool:
        """Take the delivery leases nobody holds; True if one was taken just now."""
        if self.leases is None:
            return False
        if not self.leases.check() and self.worker is not None:
            # The store's connection broke and took the locks along: alive again.
            self.leases.try_hold(worker_lease(self.worker))
        taken = False
        for platform in self.adapters:
            lease = delivery_lease(platform)
            if not self.leases.holds(lease) and self.leases.try_hold(lease):
                log.info("this process delivers the queued messages on %s now", platform)
                taken = True
        return taken

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Deliver whenever woken, and whenever postponed messages come due."""
        while True:
            self._wake.clear()  # before flushing, so a wake during the flush is not lost
            await self._take_over()
            await self.flush()
            idle = await self._idle_seconds()  # first: a cancel here leaves no coroutine behind
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=idle)

    async def _take_over(self) -> None:
        """Leases nobody holds, and the messages of processes that died while sending."""
        if self.leases is None:
            return
        now = asyncio.get_running_loop().time()
        led = await asyncio.to_thread(self._lead)
        if led or now - self._taken_over_at >= TAKE_OVER_SECONDS:
            self._taken_over_at = now
            await asyncio.to_thread(self.recover)
        if led:
            # The process that delivered before may have sent a whole second's worth just
            # before it died: the platform's flood window passes before this one starts.
            await asyncio.sleep(FLOOD_WINDOW_SECONDS)

    async def deliver_claimed(
        self, platform: str, chat_id: str, answers: Sequence[tuple[int, Reply]]
    ) -> int:
        """Send a handled event's answers, claimed for sending when they were queued.

        The fast way for answers: no search through the outbox and no claim of its own.
        If the platform asks to wait meanwhile, what is left goes back to the outbox.
        """
        deliveries = [Delivery(id, chat_id, None, None, reply) for id, reply in answers]
        return await self._deliver_in_order(platform, deliveries, claimed=True)

    async def flush(self, wait: bool = True) -> int:
        """Deliver everything due now, platform by platform; returns how many were sent.

        `wait=False`: where a flush is already running (it may be pacing a long
        announcement), leave the new messages to it instead of waiting behind it; it
        looks for due messages again after each round, and the wake-up makes sure.
        """
        sent = 0
        for platform in self.adapters:
            if not self.delivers(platform):
                continue  # another process delivers what is queued for this platform
            lock = self._locks[platform]
            if lock.locked() and not wait:
                self.wake()
                continue
            async with lock:
                sent += await self._drain(platform)
        return sent

    async def _drain(self, platform: str) -> int:
        sent = 0
        while not self.paused(platform):
            due = await asyncio.to_thread(self._due, platform)
            if not due:
                break
            by_chat: dict[str, list[Delivery]] = {}
            for delivery in due:
                by_chat.setdefault(delivery.chat_id or f"@{delivery.recipient_user_id}", []).append(
                    delivery
                )
            results = await asyncio.gather(
                *(self._deliver_in_order(platform, chat) for chat in by_chat.values())
            )
            sent += sum(results)
            if sum(results) == 0:
                break
        return sent

    async def _deliver_in_order(
        self, platform: str, deliveries: list[Delivery], claimed: bool = False
    ) -> int:
        """One chat's messages one after another, so they arrive in order.

        When the platform asks to wait, the rest stays for later; `claimed` ones (see
        `deliver_claimed`) go back to the outbox and the loop is woken for them.
        """
        send = self._send_claimed if claimed else self._deliver
        sent = 0
        async with self._in_flight:
            for position, delivery in enumerate(deliveries):
                if self.paused(platform):
                    if claimed:
                        await self._give_back(deliveries[position:])
                    break
                sent += await send(platform, delivery)
        return sent

    async def _give_back(self, deliveries: list[Delivery]) -> None:
        """Claimed messages not sent after all: pending again, for the loop to send."""
        await asyncio.to_thread(self._release, [delivery.id for delivery in deliveries])
        self.wake()

    async def _deliver(self, platform: str, delivery: Delivery) -> int:
        if not await asyncio.to_thread(self._claim_all, [delivery.id]):
            return 0  # another process took it
        return await self._send_claimed(platform, delivery)

    async def _send_claimed(self, platform: str, delivery: Delivery) -> int:
        adapter = self.adapters[platform]
        try:
            chat_id = delivery.chat_id or await adapter.private_chat_of(
                delivery.recipient_user_id or ""
            )
            if chat_id is None:
                await asyncio.to_thread(self._finish, delivery, DeliveryStatus.SKIPPED, "no chat")
                return 0
            message_id = await adapter.send(chat_id, delivery.reply, delivery.id)
        except RetryAfter as wait:
            # The pause and the message's new time start at the same moment: when the
            # pause ends the message is due, and the chat's next one cannot overtake it.
            self._paused_until[platform] = asyncio.get_running_loop().time() + wait.seconds
            until = self.clock.now() + timedelta(seconds=wait.seconds)
            await asyncio.to_thread(self._postpone, delivery.id, until, str(wait))
            return 0
        except Unreachable as gone:
            await asyncio.to_thread(self._unreachable, platform, delivery, str(gone))
            return 0
        except Exception as error:  # a failed attempt; retried with back-off
            log.warning("sending %s on %s failed: %r", delivery.id, platform, error)
            await asyncio.to_thread(self._failed_attempt, delivery.id, repr(error))
            return 0
        await self._record_sent.put(Sent(platform, delivery, chat_id, message_id))
        return 1

    # -- store work, in worker threads --------------------------------------------------

    def _due(self, platform: str) -> list[Delivery]:
        with self.uow_factory(read_only=True) as uow:
            return [
                Delivery(
                    id=message.id or 0,
                    chat_id=message.chat_id,
                    recipient_user_id=message.recipient_user_id,
                    person_id=message.person_id,
                    reply=payload_to_reply(message.payload, message.attachment),
                )
                for message in uow.outbox.due(platform, self.clock.now())
            ]

    def _claim_all(self, message_ids: list[int]) -> set[int]:
        with self.uow_factory() as uow:
            return uow.outbox.claim(message_ids)

    def _release(self, message_ids: list[int]) -> None:
        with self.uow_factory() as uow:
            uow.outbox.release(message_ids)

    def _finish(self, delivery: Delivery, status: DeliveryStatus, error: str | None = None) -> None:
        with self.uow_factory() as uow:
            message = uow.outbox.get(delivery.id)
            if message is not None:
                uow.outbox.finish(message, status, self.clock.now(), error=error)

    def _mark_sent(self, sent: list[Sent]) -> None:
        """Sent messages, and which platform message shows what (to act on replies)."""
        now = self.clock.now()
        with self.uow_factory() as uow:
            uow.outbox.mark_sent([(s.delivery.id, s.platform_message_id) for s in sent], now)
            showing = [s.delivery.id for s in sent if s.delivery.reply.shows]
            # A message whose row /forgetme deleted while it was on its way stays unknown.
            still_known = uow.outbox.existing(showing)
            for item in sent:
                shows = item.delivery.reply.shows
                if shows and item.platform_message_id and item.delivery.id in still_known:
                    kind, object_id = shows
                    uow.message_refs.add(
                        MessageRef(
                            platform=item.platform,
                            chat_id=item.chat_id,
                            message_id=item.platform_message_id,
                            person_id=item.delivery.person_id,
                            kind=kind,
                            object_id=object_id,
                            created_at=now,
                        )
                    )

    def _postpone(self, message_id: int, until: datetime, error: str) -> None:
        with self.uow_factory() as uow:
            message = uow.outbox.get(message_id)
            if message is not None:
                # A 429 is not a failed attempt: the platform simply said "later".
                message.attempts = max(0, message.attempts - 1)
                uow.outbox.postpone(message, until, error)

    def _failed_attempt(self, message_id: int, error: str) -> None:
        with self.uow_factory() as uow:
            message = uow.outbox.get(message_id)
            if message is None:
                return
            if message.attempts >= MAX_ATTEMPTS:
                uow.outbox.finish(message, DeliveryStatus.FAILED, self.clock.now(), error=error)
            else:
                uow.outbox.postpone(message, self.clock.now() + backoff(message.attempts), error)

    def _unreachable(self, platform: str, delivery: Delivery, error: str) -> None:
        with self.uow_factory() as uow:
            if delivery.recipient_user_id:
                uow.channels.mark_unreachable(
                    platform, delivery.recipient_user_id, self.clock.now()
                )
            message = uow.outbox.get(delivery.id)
            if message is not None:
                uow.outbox.finish(message, DeliveryStatus.SKIPPED, self.clock.now(), error=error)

    # -- timing ---------------------------------------------------------------------------

    def paused(self, platform: str) -> bool:
        """A platform asked us to wait (429): nothing is sent to it until then."""
        return self._paused_until.get(platform, 0.0) > asyncio.get_running_loop().time()

    async def _idle_seconds(self) -> float:
        def next_due() -> float:
            with self.uow_factory(read_only=True) as uow:
                moments = [uow.outbox.next_due_at(p) for p in self.adapters]
            upcoming = [m for m in moments if m is not None]
            idle = IDLE_WAIT_SECONDS if self.leases is None else SHARED_IDLE_WAIT_SECONDS
            if not upcoming:
                return idle
            seconds = (min(upcoming) - self.clock.now()).total_seconds()
            return min(idle, max(0.05, seconds))

        return await asyncio.to_thread(next_due)


# -- group commit ----------------------------------------------------------------------
# Many small writes of concurrent sends in one store transaction. Each caller waits until
# its item is committed, so nothing changes for it but the cost: while one transaction is
# being written, the items that arrive queue up and go together in the next one.

Item = TypeVar("Item")


class GroupCommit(Generic[Item]):
    def __init__(self, write: Callable[[list[Item]], None]) -> None:
        self._write = write  # one transaction for the whole list, run in a worker thread
        self._waiting: list[tuple[Item, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def put(self, item: Item) -> None:
        """Returns once `item` is committed; raises what writing its batch raised."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_while_waiting())
        await asyncio.shield(done)  # a cancelled caller must not fail the others' batch

    async def _write_while_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await asyncio.to_thread(self._write, [item for item, _ in batch])
            except Exception as error:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
