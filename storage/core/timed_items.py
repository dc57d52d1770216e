"""Work due at a time, kept in the store: the scheduler runs what these rows say."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.core.shared_tables import ScheduledItem, ScheduledKind


class TimedItems:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, item_id: int) -> ScheduledItem | None:
        return self._session.get(ScheduledItem, item_id)

    def put(
        self,
        event_id: int,
        kind: ScheduledKind,
        due_at: datetime,
        now: datetime,
        *,
        payload: dict[str, Any] | None = None,
        key: str | None = None,
        created_by: int | None = None,
    ) -> ScheduledItem:
        """A new pending item; an item with the same key is rescheduled instead."""
        item = self._by_key(event_id, key) if key else None
        if item is None:
            item = ScheduledItem(
                event_id=event_id, kind=kind, key=key, due_at=due_at, created_at=now
            )
        item.due_at, item.payload, item.created_by = due_at, dict(payload or {}), created_by
        item.done_at, item.outcome = None, None
        self._session.add(item)
        self._session.flush()
        return item

    def cancel(self, event_id: int, key: str) -> bool:
        item = self._by_key(event_id, key)
        if item is None or item.done_at is not None:
            return False
        self._session.delete(item)
        return True

    def pending(self, event_id: int | None = None) -> list[ScheduledItem]:
        statement = select(ScheduledItem).where(col(ScheduledItem.done_at).is_(None))
        if event_id is not None:
            statement = statement.where(ScheduledItem.event_id == event_id)
        return list(self._session.exec(statement.order_by(col(ScheduledItem.due_at))))

    def due(self, now: datetime) -> list[int]:
        statement = (
            select(ScheduledItem.id)
            .where(col(ScheduledItem.done_at).is_(None), col(ScheduledItem.due_at) <= now)
            .order_by(col(ScheduledItem.due_at), col(ScheduledItem.id))
        )
        return [item_id for item_id in self._session.exec(statement) if item_id is not None]

    def claim(self, item_id: int, now: datetime, outcome: str) -> bool:
        """Mark a pending item done; False if it is done already (another process, a retry).

        Called in the transaction that does the item's work, so both commit or neither.
        """
        result = self._session.exec(
            update(ScheduledItem)
            .where(col(ScheduledItem.id) == item_id, col(ScheduledItem.done_at).is_(None))
            .values(done_at=now, outcome=outcome)
        )
        return bool(result.rowcount)

    def _by_key(self, event_id: int, key: str) -> ScheduledItem | None:
        statement = select(ScheduledItem).where(
            ScheduledItem.event_id == event_id, ScheduledItem.key == key
        )
        return self._session.exec(statement).first()
