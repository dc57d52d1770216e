"""Repositories for delivery: the inbox (exactly-once handling) and the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import (
    ChannelState,
    DeliveryStatus,
    Identity,
    InboxEvent,
    LinkedChat,
    OutboxMessage,
)


class Inbox:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _find(self, platform: str, external_id: str) -> InboxEvent | None:
        statement = select(InboxEvent).where(
            InboxEvent.platform == platform, InboxEvent.external_id == external_id
        )
        return self._session.exec(statement).first()

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

    def claim(self, platform: str, external_id: str, now: datetime) -> bool:
        """Mark an event handled in the handling transaction; False if it already was.

        Two processes claiming at once collide on the unique key; the loser's
        transaction is retried and then finds the event handled.
        """
        event = self._find(platform, external_id)
        if event is None:
            event = InboxEvent(platform=platform, external_id=external_id, received_at=now)
        elif event.handled_at is not None:
            return False
        event.handled_at = now
        self._session.add(event)
        self._session.flush()
        return True

    def unhandled(self, platform: str, limit: int = 100) -> list[InboxEvent]:
        statement = (
            select(InboxEvent)
            .where(InboxEvent.platform == platform, col(InboxEvent.handled_at).is_(None))
            .order_by(col(InboxEvent.id))
            .limit(limit)
        )
        return list(self._session.exec(statement))


class Outbox:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, message: OutboxMessage) -> OutboxMessage:
        self._session.add(message)
        return message

    def get(self, message_id: int) -> OutboxMessage | None:
        return self._session.get(OutboxMessage, message_id)

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

    def interrupted(self, platform: str) -> list[OutboxMessage]:
        """Messages that were being sent when the process stopped."""
        statement = select(OutboxMessage).where(
            OutboxMessage.platform == platform, OutboxMessage.status == DeliveryStatus.SENDING
        )
        return list(self._session.exec(statement))

    def count(self, status: DeliveryStatus, batch: str | None = None) -> int:
        statement = select(OutboxMessage.id).where(OutboxMessage.status == status)
        if batch is not None:
            statement = statement.where(OutboxMessage.batch == batch)
        return len(self._session.exec(statement).all())

    def postpone(self, message: OutboxMessage, until: datetime, error: str) -> None:
        message.status, message.not_before, message.error = DeliveryStatus.PENDING, until, error
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
        self._session.add(message)


class Channels:
    """Per-platform routing facts: direct chats, blocked accounts, linked groups, state."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def identity(self, platform: str, platform_user_id: str) -> Identity | None:
        statement = select(Identity).where(
            Identity.platform == platform, Identity.platform_user_id == platform_user_id
        )
        return self._session.exec(statement).first()

    def touch(self, platform: str, platform_user_id: str, direct_chat_id: str | None) -> None:
        """The person just wrote: reachable again, and where their direct chat is."""
        identity = self.identity(platform, platform_user_id)
        if identity is None:
            return
        changed = identity.unreachable_at is not None
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

    def get_state(self, platform: str, key: str) -> str | None:
        statement = select(ChannelState.value).where(
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


def backoff(attempts: int, base_seconds: float = 2.0, cap_seconds: float = 300.0) -> timedelta:
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))
