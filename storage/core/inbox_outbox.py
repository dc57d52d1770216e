"""Repositories for delivery: the inbox (exactly-once handling) and the outbox.

Both keep the least that works: a handled event keeps only its key (to refuse it a
second time), a finished message only its ids, status and times; `prune` deletes them
once the platforms can no longer deliver them again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, false, func, insert, null, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.core.shared_tables import (
    ChannelState,
    DeliveryStatus,
    Identity,
    InboxEvent,
    LinkedChat,
    Membership,
    OutboxMessage,
    Person,
    Role,
)
from storage.db import dialect_of, run_core

# The payload of a handled event that was answered with a hint only (see `Inbox.take_over`).
DID_NOTHING = "did_nothing"
# Statements every event runs, built once (see storage/repositories.py).
_INBOX_EVENT = select(InboxEvent).where(
    InboxEvent.platform == bindparam("platform"), InboxEvent.external_id == bindparam("key")
)
_CLAIM_KEPT_EVENT = (
    update(InboxEvent)
    .where(
        col(InboxEvent.platform) == bindparam("on_platform"),
        col(InboxEvent.external_id) == bindparam("key"),
        col(InboxEvent.handled_at).is_(None),
    )
    # Once handled, the raw event (names, free text) is not needed any more.
    .values(handled_at=bindparam("now"), payload=null())
)
_RELEASE = (
    update(OutboxMessage)
    .where(
        col(OutboxMessage.id).in_(bindparam("ids", expanding=True)),
        col(OutboxMessage.status) == DeliveryStatus.SENDING,
    )
    .values(
        status=DeliveryStatus.PENDING, attempts=col(OutboxMessage.attempts) - 1, claimed_by=None
    )
)
# A finished message keeps its ids, status and times: what it said, to whom and with
# which attachment is forgotten (a ballot's answer says who voted for what).
_SCRUBBED: dict[str, Any] = {
    "payload": {},
    "attachment": None,
    "chat_id": None,
    "recipient_user_id": None,
    "person_id": None,
    "claimed_by": None,
}
FINISHED = (DeliveryStatus.SENT, DeliveryStatus.SKIPPED, DeliveryStatus.FAILED)
_MARK_SENT = (
    update(OutboxMessage)
    .where(col(OutboxMessage.id) == bindparam("message_id"))
    .values(
        status=DeliveryStatus.SENT,
        sent_at=bindparam("sent"),
        platform_message_id=bindparam("message_ref"),
        error=None,
        **_SCRUBBED,
    )
)
_IDENTITY = select(Identity).where(
    Identity.platform == bindparam("platform"), Identity.platform_user_id == bindparam("user_id")
)
_ADD_OUTBOX = insert(OutboxMessage).returning(col(OutboxMessage.id))
_CLAIMABLE = (
    col(OutboxMessage.id).in_(bindparam("ids", expanding=True)),
    col(OutboxMessage.status) == DeliveryStatus.PENDING,
)
_CLAIMED = {
    "status": DeliveryStatus.SENDING,
    "attempts": col(OutboxMessage.attempts) + 1,
    "claimed_by": bindparam("worker"),
}
_CLAIM_OUTBOX = (
    update(OutboxMessage).where(*_CLAIMABLE).values(**_CLAIMED).returning(col(OutboxMessage.id))
)
# On PostgreSQL rows another process has locked (it is claiming them) are passed over
# instead of waited for: it claims them, and this claim would find them taken anyway.
_CLAIM_OUTBOX_SKIP_LOCKED = (
    update(OutboxMessage)
    .where(
        col(OutboxMessage.id).in_(
            select(OutboxMessage.id).where(*_CLAIMABLE).with_for_update(skip_locked=True)
        )
    )
    .values(**_CLAIMED)
    .returning(col(OutboxMessage.id))
)


class Inbox:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _find(self, platform: str, external_id: str) -> InboxEvent | None:
        parameters = {"platform": platform, "key": external_id}
        return self._session.exec(_INBOX_EVENT, params=parameters).first()

    def record(
        self, platform: str, external_id: str, payload: dict[str, Any], now: datetime
    ) -> bool:
        """Keep a raw event before confirming it to the platform; False if already kept."""
        if self._find(platform, external_id) is not None:
            return False
        self._session.add(
            InboxEvent(platform=platform, external_id=external_id, payload=payload, received_at=now)
        )
        self._session.flush()
        return True

    def record_new(
        self, platform: str, events: list[tuple[str, dict[str, Any]]], now: datetime
    ) -> set[str]:
        """Keep a batch of raw events in one statement; the keys not kept before."""
        if not events:
            return set()
        insert = postgresql_insert if dialect_of(self._session) == "postgresql" else sqlite_insert
        statement = (
            insert(InboxEvent)
            .values(
                [
                    {
                        "platform": platform,
                        "external_id": key,
                        "payload": payload,
                        "received_at": now,
                    }
                    for key, payload in events
                ]
            )
            .on_conflict_do_nothing(index_elements=["platform", "external_id"])
            .returning(col(InboxEvent.external_id))
        )
        return set(run_core(self._session, statement).scalars())

    def claim(self, platform: str, external_id: str, now: datetime) -> bool:
        """Mark an event handled in the handling transaction; False if it already was.

        Usually the adapter kept the event before, and one statement claims it. Two
        processes claiming at once collide on the unique key (or the row lock); the
        loser's transaction is retried and then finds the event handled.
        """
        parameters = {"on_platform": platform, "key": external_id, "now": now}
        claimed = cast(CursorResult[Any], run_core(self._session, _CLAIM_KEPT_EVENT, parameters))
        if claimed.rowcount:
            return True
        if self._find(platform, external_id) is not None:
            return False
        self._session.add(
            InboxEvent(platform=platform, external_id=external_id, received_at=now, handled_at=now)
        )
        self._session.flush()
        return True

    def mark_did_nothing(self, platform: str, external_id: str) -> None:
        """The handled event was answered with a hint or a refusal only (see `take_over`)."""
        event = self._find(platform, external_id)
        if event is not None and event.handled_at is not None:
            event.payload = {DID_NOTHING: True}
            self._session.flush()

    def take_over(self, platform: str, external_id: str, now: datetime) -> bool:
        """May an edit of this event run in its place? Only if the event did nothing, or
        never reached us; afterwards it counts as done, so it is replaced once at most."""
        event = self._find(platform, external_id)
        if event is None:
            self._session.add(
                InboxEvent(
                    platform=platform, external_id=external_id, received_at=now, handled_at=now
                )
            )
        elif event.handled_at is not None and event.payload == {DID_NOTHING: True}:
            event.payload = None
        else:
            return False
        self._session.flush()
        return True

    def unhandled(
        self, platform: str, limit: int = 100, received_before: datetime | None = None
    ) -> list[InboxEvent]:
        statement = (
            select(InboxEvent)
            .where(InboxEvent.platform == platform, col(InboxEvent.handled_at).is_(None))
            .order_by(col(InboxEvent.id))
            .limit(limit)
        )
        if received_before is not None:
            statement = statement.where(col(InboxEvent.received_at) < received_before)
        return list(self._session.exec(statement))

    def drop(self, platform: str, external_id: str) -> None:
        """Forget an event entirely: for events nobody can deliver a second time."""
        self._session.exec(
            delete(InboxEvent).where(
                col(InboxEvent.platform) == platform, col(InboxEvent.external_id) == external_id
            )
        )

    def forget_kept_from(self, platform: str, platform_user_id: str) -> int:
        """Delete the raw events still waiting that come from this account; how many.

        Such an event (e.g. one still waiting for its room key) is then never handled: it
        came from a person who asked to be forgotten.
        """
        statement = select(InboxEvent.id, InboxEvent.payload).where(
            InboxEvent.platform == platform, col(InboxEvent.payload).is_not(None)
        )
        theirs = [
            event_id
            for event_id, payload in self._session.exec(statement)
            if platform_user_id in _account_ids(payload)
        ]
        if theirs:
            self._session.exec(delete(InboxEvent).where(col(InboxEvent.id).in_(theirs)))
        return len(theirs)

    def platforms(self) -> list[str]:
        statement = select(InboxEvent.platform).distinct()
        return list(self._session.exec(statement))

    def prune(self, platform: str, handled_before: datetime) -> int:
        """Delete the keys of events handled before this time; how many.

        The caller chooses a time after which the platform delivers nothing again.
        """
        result = self._session.exec(
            delete(InboxEvent).where(
                col(InboxEvent.platform) == platform,
                col(InboxEvent.handled_at).is_not(None),
                col(InboxEvent.handled_at) < handled_before,
            )
        )
        return int(cast(CursorResult[Any], result).rowcount)


# Where raw platform events name their sender (Telegram's "from" and "chat" objects
# have an "id", Matrix events a "sender", Matrix membership a "state_key").
_ACCOUNT_KEYS = frozenset({"id", "sender", "user_id", "state_key"})


def _account_ids(payload: Any) -> Iterator[str]:
    """The account ids a raw event names, as text, anywhere in it."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key in _ACCOUNT_KEYS and isinstance(value, str | int):
                yield str(value)
            else:
                yield from _account_ids(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _account_ids(value)


@dataclass(frozen=True)
class NewMessage:
    """A message to queue: an `OutboxMessage` row without what sending fills in."""

    platform: str
    payload: dict[str, Any]
    created_at: datetime
    chat_id: str | None = None
    recipient_user_id: str | None = None
    person_id: int | None = None
    priority: int = 0
    attachment: bytes | None = None
    batch: str | None = None
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0


_NEW_MESSAGE_FIELDS = tuple(field.name for field in fields(NewMessage))


class Outbox:
    def __init__(self, session: Session, worker: str | None = None) -> None:
        self._session = session
        self._worker = worker  # the bot process claiming messages (see `claim`)
        self.added = 0  # messages queued in this unit of work

    def add(self, message: NewMessage) -> int:
        """Queue a message: inserted at once, past the ORM (an answer is queued on every
        event, and building a model object and flushing it cost more than the insert);
        its id."""
        values = {name: getattr(message, name) for name in _NEW_MESSAGE_FIELDS}
        values["claimed_by"] = self._worker if message.status is DeliveryStatus.SENDING else None
        message_id: int = run_core(self._session, _ADD_OUTBOX, values).scalar_one()
        self.added += 1
        return message_id

    def claim(self, message_ids: list[int]) -> set[int]:
        """Mark pending messages as being sent; the ids this caller may send.

        One statement, so two senders (or processes) never both claim a message; each
        claimed message names this unit's worker, the process that sends it.
        """
        if not message_ids:
            return set()
        postgresql = dialect_of(self._session) == "postgresql"
        statement = _CLAIM_OUTBOX_SKIP_LOCKED if postgresql else _CLAIM_OUTBOX
        parameters = {"ids": message_ids, "worker": self._worker}
        return set(self._session.execute(statement, parameters).scalars())

    def get(self, message_id: int) -> OutboxMessage | None:
        return self._session.get(OutboxMessage, message_id)

    def existing(self, message_ids: list[int]) -> set[int]:
        """Which of these messages are still in the outbox."""
        if not message_ids:
            return set()
        statement = select(OutboxMessage.id).where(col(OutboxMessage.id).in_(message_ids))
        return {message_id for message_id in self._session.exec(statement) if message_id}

    def due(self, platform: str, now: datetime, limit: int = 200) -> list[OutboxMessage]:
        """Pending messages whose time has come: answers first, then oldest first."""
        statement = (
            select(OutboxMessage)
            .where(
                OutboxMessage.platform == platform,
                OutboxMessage.status == DeliveryStatus.PENDING,
                (col(OutboxMessage.not_before).is_(None)) | (col(OutboxMessage.not_before) <= now),
            )
            .order_by(col(OutboxMessage.priority).desc(), col(OutboxMessage.id))
            .limit(limit)
        )
        return list(self._session.exec(statement))

    def next_due_at(self, platform: str) -> datetime | None:
        statement = (
            select(OutboxMessage.not_before)
            .where(
                OutboxMessage.platform == platform,
                OutboxMessage.status == DeliveryStatus.PENDING,
                col(OutboxMessage.not_before).is_not(None),
            )
            .order_by(col(OutboxMessage.not_before))
        )
        return self._session.exec(statement).first()

    def claimants(self, platform: str) -> set[str | None]:
        """The workers that are sending messages now (None: a claim from before 0011)."""
        statement = (
            select(OutboxMessage.claimed_by)
            .where(
                OutboxMessage.platform == platform, OutboxMessage.status == DeliveryStatus.SENDING
            )
            .distinct()
        )
        return set(self._session.exec(statement))

    def interrupted(
        self, platform: str, claimants: Collection[str | None] | None = None
    ) -> list[OutboxMessage]:
        """Messages that were being sent when their process stopped: those claimed by
        `claimants` (processes known to be gone), or all being sent if None."""
        statement = select(OutboxMessage).where(
            OutboxMessage.platform == platform, OutboxMessage.status == DeliveryStatus.SENDING
        )
        if claimants is not None:
            named = [claimant for claimant in claimants if claimant is not None]
            unnamed = col(OutboxMessage.claimed_by).is_(None) if None in claimants else false()
            statement = statement.where(or_(col(OutboxMessage.claimed_by).in_(named), unnamed))
        return list(self._session.exec(statement))

    def count(self, status: DeliveryStatus, batch: str | None = None) -> int:
        statement = select(OutboxMessage.id).where(OutboxMessage.status == status)
        if batch is not None:
            statement = statement.where(OutboxMessage.batch == batch)
        return len(self._session.exec(statement).all())

    def requeue(self, message: OutboxMessage) -> None:
        """A message that was being sent when the process stopped: to be sent again."""
        message.status, message.claimed_by = DeliveryStatus.PENDING, None

    def release(self, message_ids: list[int]) -> None:
        """Claimed messages that were not attempted after all: pending again."""
        if message_ids:
            run_core(self._session, _RELEASE, {"ids": message_ids})

    def mark_sent(self, sent: list[tuple[int, str | None]], now: datetime) -> None:
        """(message id, platform message id) of messages sent, in one statement."""
        if sent:
            rows = [{"message_id": m, "message_ref": p, "sent": now} for m, p in sent]
            run_core(self._session, _MARK_SENT, rows)

    def postpone(self, message: OutboxMessage, until: datetime, error: str) -> None:
        message.status, message.not_before, message.error = DeliveryStatus.PENDING, until, error
        message.claimed_by = None
        self._session.add(message)

    def finish(
        self,
        message: OutboxMessage,
        status: DeliveryStatus,
        now: datetime,
        platform_message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        message.status, message.sent_at = status, now
        message.platform_message_id = platform_message_id
        message.error = error[:300] if error else None
        for name, value in _SCRUBBED.items():
            setattr(message, name, value)
        self._session.add(message)

    def forget_chats(self, platform: str, platform_user_id: str, chat_ids: Collection[str]) -> None:
        """Delete the messages still to go to this account or into these chats."""
        self._session.exec(
            delete(OutboxMessage).where(
                col(OutboxMessage.platform) == platform,
                or_(
                    col(OutboxMessage.recipient_user_id) == platform_user_id,
                    col(OutboxMessage.chat_id).in_(list(chat_ids)),
                ),
            )
        )

    def prune(self, finished_before: datetime) -> int:
        """Delete messages finished before this time; how many.

        The newest message stays: on SQLite a new row would otherwise take its id again,
        and a Matrix transaction id made from a reused id could be taken for a resend.
        """
        newest = select(func.max(OutboxMessage.id)).scalar_subquery()
        result = self._session.exec(
            delete(OutboxMessage).where(
                col(OutboxMessage.status).in_(FINISHED),
                col(OutboxMessage.sent_at) < finished_before,
                col(OutboxMessage.id) < newest,
            )
        )
        return int(cast(CursorResult[Any], result).rowcount)


class Channels:
    """Per-platform routing facts: direct chats, blocked accounts, linked groups, state."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def identity(self, platform: str, platform_user_id: str) -> Identity | None:
        parameters = {"platform": platform, "user_id": platform_user_id}
        return self._session.exec(_IDENTITY, params=parameters).first()

    def touch(self, platform: str, platform_user_id: str, direct_chat_id: str | None) -> None:
        """The person just wrote: reachable again, and where their direct chat is."""
        identity = self.identity(platform, platform_user_id)
        if identity is not None:
            self.touch_identity(identity, direct_chat_id)

    def touch_identity(self, identity: Identity, direct_chat_id: str | None) -> None:
        # Assigning an unchanged value still marks the object modified, and a modified
        # object costs a flush before the next statement.
        changed = identity.unreachable_at is not None
        if changed:
            identity.unreachable_at = None
        if direct_chat_id is not None and identity.direct_chat_id != direct_chat_id:
            identity.direct_chat_id, changed = direct_chat_id, True
        if changed:
            self._session.add(identity)

    def mark_unreachable(self, platform: str, platform_user_id: str, now: datetime) -> None:
        self._session.exec(
            update(Identity)
            .where(
                col(Identity.platform) == platform,
                col(Identity.platform_user_id) == platform_user_id,
            )
            .values(unreachable_at=now)
        )

    def mark_reachable(self, platform: str, platform_user_id: str) -> None:
        self._session.exec(
            update(Identity)
            .where(
                col(Identity.platform) == platform,
                col(Identity.platform_user_id) == platform_user_id,
            )
            .values(unreachable_at=None)
        )

    def linked_chats(self, event_id: int) -> list[LinkedChat]:
        statement = select(LinkedChat).where(LinkedChat.event_id == event_id)
        return list(self._session.exec(statement))

    def event_of_chat(self, platform: str, chat_id: str) -> int | None:
        """The event a group chat is linked to, if any."""
        statement = select(LinkedChat.event_id).where(
            LinkedChat.platform == platform, LinkedChat.chat_id == chat_id
        )
        return self._session.exec(statement).first()

    def direct_chats_with_role(
        self, platform: str, roles: Collection[Role]
    ) -> list[tuple[str, str | None]]:
        """Direct chats (and languages) of reachable people who have one of these roles
        in some event, each once."""
        statement = (
            select(Identity.direct_chat_id, Person.language)
            .join(Person, col(Person.id) == col(Identity.person_id))
            .join(Membership, col(Membership.person_id) == col(Identity.person_id))
            .where(
                Identity.platform == platform,
                col(Identity.direct_chat_id).is_not(None),
                col(Identity.unreachable_at).is_(None),
                col(Membership.role).in_(list(roles)),
            )
            .distinct()
        )
        return [(str(chat), language) for chat, language in self._session.exec(statement)]

    def link(self, event_id: int, platform: str, chat_id: str, now: datetime) -> LinkedChat:
        statement = select(LinkedChat).where(
            LinkedChat.platform == platform, LinkedChat.chat_id == chat_id
        )
        linked = self._session.exec(statement).first() or LinkedChat(
            event_id=event_id, platform=platform, chat_id=chat_id, linked_at=now
        )
        linked.event_id, linked.linked_at = event_id, now
        self._session.add(linked)
        return linked

    def unlink(self, platform: str, chat_id: str) -> None:
        self._session.exec(
            delete(LinkedChat).where(
                col(LinkedChat.platform) == platform, col(LinkedChat.chat_id) == chat_id
            )
        )

    def get_state(self, platform: str, key: str) -> str | None:
        statement = select(ChannelState.value).where(
            ChannelState.platform == platform, ChannelState.key == key
        )
        return self._session.exec(statement).first()

    def forget_chat_states(self, platform: str, chat_ids: Collection[str]) -> None:
        """Delete the state kept about these chats (keys made by `chat_state_key`)."""
        suffixes = [_chat_hash(chat_id) for chat_id in chat_ids]
        if suffixes:
            self._session.exec(
                delete(ChannelState).where(
                    col(ChannelState.platform) == platform,
                    or_(*(col(ChannelState.key).endswith(f":{suffix}") for suffix in suffixes)),
                )
            )

    def state_updated_at(self, platform: str, key: str) -> datetime | None:
        statement = select(ChannelState.updated_at).where(
            ChannelState.platform == platform, ChannelState.key == key
        )
        return self._session.exec(statement).first()

    def set_state(self, platform: str, key: str, value: str, now: datetime) -> None:
        statement = select(ChannelState).where(
            ChannelState.platform == platform, ChannelState.key == key
        )
        state = self._session.exec(statement).first() or ChannelState(
            platform=platform, key=key, updated_at=now
        )
        state.value, state.updated_at = value, now
        self._session.add(state)


def chat_state_key(prefix: str, chat_id: str) -> str:
    """The key of state kept about one chat: short (chat ids are not always), and found
    again by `Channels.forget_chat_states` when the person in a direct chat leaves."""
    return f"{prefix}:{_chat_hash(chat_id)}"


def _chat_hash(chat_id: str) -> str:
    return hashlib.sha256(chat_id.encode()).hexdigest()[:40]


def backoff(attempts: int, base_seconds: float = 2.0, cap_seconds: float = 300.0) -> timedelta:
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))
