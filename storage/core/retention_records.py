"""Retention: which events still hold personal data, each step claimed once, and the
core's rows of an event that go when it is anonymised."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.core.privacy_tables import EventRetention
from storage.core.shared_tables import (
    Event,
    Membership,
    Person,
    Poll,
    PollAnswer,
    PollOption,
    Role,
    ScheduledItem,
)
from storage.db import dialect_of


class Retention:
    def __init__(self, session: Session) -> None:
        self._session = session

    def not_anonymised(self) -> list[int]:
        """The events whose personal data is still kept, oldest first."""
        statement = (
            select(Event.id)
            .outerjoin(EventRetention, col(EventRetention.event_id) == col(Event.id))
            .where(col(EventRetention.anonymised_at).is_(None))
            .order_by(col(Event.id))
        )
        return [event_id for event_id in self._session.exec(statement) if event_id is not None]

    def notified_at(self, event_id: int) -> datetime | None:
        row = self._session.get(EventRetention, event_id)
        return row.notified_at if row is not None else None

    def claim_notice(self, event_id: int, now: datetime) -> bool:
        """Mark the organisers' notice sent; False if another process or run did it."""
        self._ensure_row(event_id)
        result = self._session.exec(
            update(EventRetention)
            .where(col(EventRetention.event_id) == event_id)
            .where(col(EventRetention.notified_at).is_(None))
            .values(notified_at=now)
        )
        return bool(result.rowcount)

    def claim_anonymising(self, event_id: int, now: datetime) -> bool:
        """Mark the event anonymised, in the transaction that does it; False if done."""
        self._ensure_row(event_id)
        result = self._session.exec(
            update(EventRetention)
            .where(col(EventRetention.event_id) == event_id)
            .where(col(EventRetention.anonymised_at).is_(None))
            .values(anonymised_at=now)
        )
        return bool(result.rowcount)

    def organisers(self, event_id: int) -> list[int]:
        statement = select(Membership.person_id).where(
            Membership.event_id == event_id, Membership.role == Role.ORGANISER
        )
        return sorted(self._session.exec(statement))

    def members_of_this_only(self, event_id: int) -> list[int]:
        """Members who belong to no other event: they are removed as by /forgetme."""
        members = select(Membership.person_id).where(Membership.event_id == event_id)
        statement = (
            select(Membership.person_id)
            .where(col(Membership.person_id).in_(members))
            .group_by(col(Membership.person_id))
            .having(func.count() == 1)
            .order_by(col(Membership.person_id))
        )
        return list(self._session.exec(statement))

    def anonymise_core(self, event_id: int) -> None:
        """What the core keeps of the event's people: poll answers become anonymous counts,
        memberships go, and nothing of the event points to a person any more."""
        polls = select(Poll.id).where(Poll.event_id == event_id)
        for option in self._session.exec(
            select(PollOption).where(col(PollOption.poll_id).in_(polls))
        ):
            answers = select(func.count()).where(PollAnswer.option_id == option.id)
            option.anonymous_answers += int(self._session.exec(answers).one())
        self._session.flush()
        self._session.exec(delete(PollAnswer).where(col(PollAnswer.poll_id).in_(polls)))
        self._session.exec(
            update(Poll).where(col(Poll.event_id) == event_id).values(created_by=None)
        )
        self._session.exec(
            update(ScheduledItem)
            .where(col(ScheduledItem.event_id) == event_id)
            .values(created_by=None)
        )
        self._session.exec(
            update(Person)
            .where(col(Person.active_event_id) == event_id)
            .values(active_event_id=None)
        )
        self._session.exec(delete(Membership).where(col(Membership.event_id) == event_id))

    def _ensure_row(self, event_id: int) -> None:
        insert = postgresql_insert if dialect_of(self._session) == "postgresql" else sqlite_insert
        self._session.exec(
            insert(EventRetention)
            .values(event_id=event_id)
            .on_conflict_do_nothing(index_elements=["event_id"])
        )
