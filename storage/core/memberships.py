"""Events of any kind and who belongs to them, with which role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from storage.core.shared_tables import (
    Event,
    Membership,
    Person,
    Role,
)

_MEMBERSHIP = select(Membership).where(
    Membership.event_id == bindparam("event_id"), Membership.person_id == bindparam("person_id")
)


class Events:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, event_id: int) -> Event | None:
        return self._session.get(Event, event_id)

    def by_code(self, code: str) -> Event | None:
        return self._session.exec(select(Event).where(Event.code == code.upper())).first()

    def add(self, event: Event) -> Event:
        self._session.add(event)
        self._session.flush()
        return event

    def membership(self, event_id: int, person_id: int) -> Membership | None:
        parameters = {"event_id": event_id, "person_id": person_id}
        return self._session.exec(_MEMBERSHIP, params=parameters).first()

    def join(self, event_id: int, person_id: int, role: Role, now: datetime) -> Membership:
        membership = self.membership(event_id, person_id)
        if membership is None:
            membership = Membership(
                event_id=event_id, person_id=person_id, role=role, joined_at=now
            )
            self._session.add(membership)
            self._session.flush()
        return membership

    def memberships_of(self, person_id: int) -> list[tuple[Membership, Event]]:
        statement = (
            select(Membership, Event)
            .join(Event, col(Event.id) == col(Membership.event_id))
            .where(Membership.person_id == person_id)
            .order_by(col(Membership.joined_at))
        )
        return [(membership, event) for membership, event in self._session.exec(statement)]

    def members(self, event_id: int) -> list[Person]:
        statement = (
            select(Person)
            .join(Membership, col(Membership.person_id) == col(Person.id))
            .where(Membership.event_id == event_id)
            .order_by(col(Person.id))
        )
        return list(self._session.exec(statement))

    def member_count(self, event_id: int) -> int:
        statement = select(func.count()).where(Membership.event_id == event_id)
        return int(self._session.exec(statement).one())
