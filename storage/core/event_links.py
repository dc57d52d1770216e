"""Links between events of two kinds: a youth council and its BarCamps."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.core.shared_tables import Event, EventLink


class EventLinks:
    def __init__(self, session: Session) -> None:
        self._session = session

    def link(self, council_id: int, camp_id: int, now: datetime) -> None:
        self._session.add(EventLink(council_id=council_id, camp_id=camp_id, linked_at=now))
        self._session.flush()

    def unlink(self, council_id: int, camp_id: int) -> bool:
        """False when the two were not linked."""
        statement = delete(EventLink).where(
            col(EventLink.council_id) == council_id, col(EventLink.camp_id) == camp_id
        )
        return bool(self._session.exec(statement).rowcount)

    def council_of(self, camp_id: int) -> int | None:
        """The council the camp is linked to, if any."""
        statement = select(EventLink.council_id).where(EventLink.camp_id == camp_id)
        return self._session.exec(statement).first()

    def camps_of(self, council_id: int) -> list[Event]:
        """The council's camps, the latest (by date, then by creation) last."""
        statement = (
            select(Event)
            .join(EventLink, col(EventLink.camp_id) == col(Event.id))
            .where(EventLink.council_id == council_id)
            .order_by(col(Event.starts_on), col(Event.id))
        )
        return list(self._session.exec(statement))
