"""Guardian consent: whether an event asks for it under 16, and who waits or has it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from storage.core.privacy_tables import EventPrivacy, GuardianConsent
from storage.core.shared_tables import Consent, Event, Membership, Person


class Guardians:
    def __init__(self, session: Session) -> None:
        self._session = session

    def required(self, event_id: int) -> bool:
        rules = self._session.get(EventPrivacy, event_id)
        return rules is not None and rules.guardian_consent

    def set_required(self, event_id: int, required: bool) -> None:
        rules = self._session.get(EventPrivacy, event_id) or EventPrivacy(event_id=event_id)
        rules.guardian_consent = required
        self._session.add(rules)

    def of(self, event_id: int, person_id: int) -> GuardianConsent | None:
        statement = select(GuardianConsent).where(
            GuardianConsent.event_id == event_id, GuardianConsent.person_id == person_id
        )
        return self._session.exec(statement).first()

    def is_waiting(self, event_id: int, person_id: int) -> bool:
        record = self.of(event_id, person_id)
        return record is not None and record.confirmed_at is None

    def waiting_for(self, person_id: int) -> list[Event]:
        """The events where the person waits for their guardian's consent."""
        statement = (
            select(Event)
            .join(GuardianConsent, col(GuardianConsent.event_id) == col(Event.id))
            .where(
                GuardianConsent.person_id == person_id, col(GuardianConsent.confirmed_at).is_(None)
            )
            .order_by(col(GuardianConsent.requested_at))
        )
        return list(self._session.exec(statement))

    def request(self, event_id: int, person_id: int, now: datetime) -> GuardianConsent:
        # The unique (event, number) constraint turns a race into a retry, as for proposals.
        highest = select(func.max(GuardianConsent.number)).where(
            GuardianConsent.event_id == event_id
        )
        number = int(self._session.exec(highest).one() or 0) + 1
        record = GuardianConsent(
            event_id=event_id, person_id=person_id, number=number, requested_at=now
        )
        self._session.add(record)
        self._session.flush()
        return record

    def by_number(self, event_id: int, number: int) -> GuardianConsent | None:
        statement = select(GuardianConsent).where(
            GuardianConsent.event_id == event_id, GuardianConsent.number == number
        )
        return self._session.exec(statement).first()

    def waiting(self, event_id: int) -> list[tuple[GuardianConsent, Person]]:
        statement = (
            select(GuardianConsent, Person)
            .join(Person, col(Person.id) == col(GuardianConsent.person_id))
            .where(
                GuardianConsent.event_id == event_id, col(GuardianConsent.confirmed_at).is_(None)
            )
            .order_by(col(GuardianConsent.number))
        )
        return [(record, person) for record, person in self._session.exec(statement)]

    def of_person(self, person_id: int) -> list[tuple[GuardianConsent, str]]:
        """The person's records with their event's join code (their own data)."""
        statement = (
            select(GuardianConsent, Event.code)
            .join(Event, col(Event.id) == col(GuardianConsent.event_id))
            .where(GuardianConsent.person_id == person_id)
            .order_by(col(GuardianConsent.requested_at))
        )
        return [(record, code) for record, code in self._session.exec(statement)]

    def belongs_nowhere(self, person_id: int) -> bool:
        statement = select(Membership.id).where(Membership.person_id == person_id)
        return self._session.exec(statement).first() is None

    def withdraw_consent(self, person_id: int) -> None:
        """Under 16 the person's own consent does not count: until a guardian agrees the
        bot keeps only the platform id and the chosen name."""
        self._session.exec(delete(Consent).where(col(Consent.person_id) == person_id))

    def waiting_without_membership(self, event_id: int) -> list[int]:
        """People waiting in this event who belong to no event (retention removes them)."""
        members = select(Membership.person_id)
        statement = select(GuardianConsent.person_id).where(
            GuardianConsent.event_id == event_id, col(GuardianConsent.person_id).not_in(members)
        )
        return sorted(self._session.exec(statement))

    def forget_person(self, person_id: int) -> None:
        self._session.exec(
            delete(GuardianConsent).where(col(GuardianConsent.person_id) == person_id)
        )

    def forget_event(self, event_id: int) -> None:
        self._session.exec(delete(GuardianConsent).where(col(GuardianConsent.event_id) == event_id))

    def move_person(self, gone: int, kept: int) -> None:
        """Two accounts became one person: one record per event, a confirmed one first."""
        for record, _ in self.of_person(gone):
            mine = self.of(record.event_id, kept)
            if mine is None:
                record.person_id = kept
                continue
            if mine.confirmed_at is None:
                mine.confirmed_at = record.confirmed_at
            self._session.delete(record)
        self._session.flush()
