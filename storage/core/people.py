"""People and the events they belong to: identities, consent, memberships and roles, dialogs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, update
from sqlmodel import Session, col, select

from storage.core.shared_tables import (
    Consent,
    DialogState,
    Event,
    Identity,
    Membership,
    Person,
    PollAnswer,
    PollOption,
    Role,
)
from storage.db import dialect_of, run_core

# The statements every event runs, built once: building a statement costs more than
# running it on SQLite. Values come as bound parameters.
_PERSON_BY_IDENTITY = (
    select(Person, Identity)
    .join(Identity, col(Identity.person_id) == col(Person.id))
    .where(
        Identity.platform == bindparam("platform"),
        Identity.platform_user_id == bindparam("user_id"),
    )
)
_PERSON_LOCK = select(Person.id).where(Person.id == bindparam("person_id")).with_for_update()
_CONSENT = select(Consent.id).where(
    Consent.person_id == bindparam("person_id"), Consent.policy_version == bindparam("version")
)
_MEMBERSHIP = select(Membership).where(
    Membership.event_id == bindparam("event_id"), Membership.person_id == bindparam("person_id")
)
_DIALOG = select(DialogState).where(DialogState.person_id == bindparam("person_id"))


class People:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, person_id: int) -> Person | None:
        return self._session.get(Person, person_id)

    def lock(self, person_id: int) -> None:
        """Serialise a person's concurrent changes (PostgreSQL; SQLite serialises anyway:
        its writing transactions begin with the write lock)."""
        if dialect_of(self._session) != "sqlite":
            self._session.exec(_PERSON_LOCK, params={"person_id": person_id})

    def by_identity(self, platform: str, platform_user_id: str) -> Person | None:
        found = self.with_identity(platform, platform_user_id)
        return found[0] if found is not None else None

    def with_identity(self, platform: str, platform_user_id: str) -> tuple[Person, Identity] | None:
        """The person behind a platform account, with that account."""
        parameters = {"platform": platform, "user_id": platform_user_id}
        row = self._session.exec(_PERSON_BY_IDENTITY, params=parameters).first()
        return (row[0], row[1]) if row is not None else None

    def create_with_identity(self, platform: str, platform_user_id: str, now: datetime) -> Person:
        person = Person(created_at=now)
        self._session.add(person)
        self._session.flush()
        assert person.id is not None
        self._session.add(
            Identity(platform=platform, platform_user_id=platform_user_id, person_id=person.id)
        )
        self._session.flush()
        return person

    def identities(self, person_id: int) -> list[Identity]:
        statement = select(Identity).where(Identity.person_id == person_id)
        return list(self._session.exec(statement))

    def platforms(self, person_ids: list[int]) -> dict[int, list[str]]:
        """The platforms each person has an account on, sorted."""
        statement = select(Identity.person_id, Identity.platform).where(
            col(Identity.person_id).in_(person_ids)
        )
        found: dict[int, set[str]] = {}
        for person_id, platform in self._session.exec(statement):
            found.setdefault(person_id, set()).add(platform)
        return {person_id: sorted(names) for person_id, names in found.items()}

    def has_consent(self, person_id: int, policy_version: int) -> bool:
        parameters = {"person_id": person_id, "version": policy_version}
        return run_core(self._session, _CONSENT, parameters).first() is not None

    def give_consent(self, person_id: int, policy_version: int, now: datetime) -> None:
        if not self.has_consent(person_id, policy_version):
            self._session.add(
                Consent(person_id=person_id, policy_version=policy_version, given_at=now)
            )

    def forget(self, person_id: int) -> None:
        """Remove a person; their poll answers stay only as anonymous counts.

        Each domain forgets its own rows first (the BarCamp: votes and proposals, see
        `Proposals.forget_person`); this removes what the core keeps.
        """
        self._anonymise_poll_answers(person_id)
        for model in (Identity, Consent, Membership, DialogState):
            self._session.exec(delete(model).where(col(model.person_id) == person_id))
        self._session.exec(delete(Person).where(col(Person.id) == person_id))

    def remove(self, person_id: int) -> None:
        """Remove a person whose rows have all moved elsewhere (two accounts became one)."""
        self._session.flush()
        self._session.exec(delete(Person).where(col(Person.id) == person_id))

    def _anonymise_poll_answers(self, person_id: int) -> None:
        chosen = select(PollAnswer.option_id).where(PollAnswer.person_id == person_id)
        self._session.exec(
            update(PollOption)
            .where(col(PollOption.id).in_(chosen))
            .values(anonymous_answers=col(PollOption.anonymous_answers) + 1)
        )
        self._session.exec(delete(PollAnswer).where(col(PollAnswer.person_id) == person_id))


class Dialogs:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, person_id: int) -> DialogState | None:
        return self._session.exec(_DIALOG, params={"person_id": person_id}).first()

    def save(
        self, person_id: int, name: str, step: str, data: dict[str, Any], now: datetime
    ) -> None:
        state = self.get(person_id) or DialogState(
            person_id=person_id, name=name, step=step, updated_at=now
        )
        state.name, state.step, state.data, state.updated_at = name, step, dict(data), now
        self._session.add(state)

    def clear(self, person_id: int) -> bool:
        state = self.get(person_id)
        if state is None:
            return False
        self._session.delete(state)
        return True


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

    def with_role(self, event_id: int, *roles: Role) -> list[int]:
        """The ids of the event's members with one of these roles, in a stable order."""
        statement = (
            select(Membership.person_id)
            .where(Membership.event_id == event_id, col(Membership.role).in_(roles))
            .order_by(col(Membership.person_id))
        )
        return list(self._session.exec(statement))

    def roster(self, event_id: int) -> list[tuple[Membership, Person]]:
        """The event's members in the order they joined (the numbers of `/members`)."""
        statement = (
            select(Membership, Person)
            .join(Person, col(Person.id) == col(Membership.person_id))
            .where(Membership.event_id == event_id)
            .order_by(col(Membership.joined_at), col(Membership.id))
        )
        return [(membership, person) for membership, person in self._session.exec(statement)]

    def member_count(self, event_id: int) -> int:
        statement = select(func.count()).where(Membership.event_id == event_id)
        return int(self._session.exec(statement).one())
