"""Repositories: the queries the use cases need, one class per aggregate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, update
from sqlmodel import Session, col, select

from storage.db import dialect_of, run_core
from storage.models import (
    Consent,
    DialogState,
    Event,
    Identity,
    Membership,
    Person,
    PollAnswer,
    PollOption,
    Proposal,
    ProposalStatus,
    Role,
    Room,
    Slot,
    Vote,
)

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
_PROPOSAL_BY_NUMBER = select(Proposal).where(
    Proposal.event_id == bindparam("event_id"), Proposal.number == bindparam("number")
)
_PROPOSALS_IN_EVENT = (
    select(Proposal)
    .where(Proposal.event_id == bindparam("event_id"))
    .order_by(col(Proposal.number))
)
_PROPOSALS_WITH_STATUS = (
    select(Proposal)
    .where(
        Proposal.event_id == bindparam("event_id"),
        col(Proposal.status).in_(bindparam("statuses", expanding=True)),
    )
    .order_by(col(Proposal.number))
)
_TALLIES = (
    select(Vote.proposal_id, func.count().label("votes"))
    .where(col(Vote.proposal_id).in_(bindparam("proposal_ids", expanding=True)))
    .group_by(col(Vote.proposal_id))
)
_VOTES_OF_PERSON = (
    select(Vote.proposal_id)
    .join(Proposal, col(Proposal.id) == col(Vote.proposal_id))
    .where(Vote.person_id == bindparam("person_id"), Proposal.event_id == bindparam("event_id"))
)
_ADD_VOTE = insert(Vote).values(
    proposal_id=bindparam("proposal_id"),
    person_id=bindparam("person_id"),
    created_at=bindparam("now"),
)
_REMOVE_VOTE = delete(Vote).where(
    col(Vote.proposal_id) == bindparam("proposal_id"), col(Vote.person_id) == bindparam("person_id")
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

    def has_consent(self, person_id: int, policy_version: int) -> bool:
        parameters = {"person_id": person_id, "version": policy_version}
        return run_core(self._session, _CONSENT, parameters).first() is not None

    def give_consent(self, person_id: int, policy_version: int, now: datetime) -> None:
        if not self.has_consent(person_id, policy_version):
            self._session.add(
                Consent(person_id=person_id, policy_version=policy_version, given_at=now)
            )

    def forget(self, person_id: int) -> None:
        """Remove a person; their votes and poll answers stay only as anonymous counts.

        Proposals still waiting for moderation are deleted with the person; approved
        ones belong to the camp (others voted for them) and lose their author.
        """
        self._anonymise_votes(person_id)
        self._anonymise_poll_answers(person_id)
        self._session.exec(
            delete(Proposal).where(
                col(Proposal.proposer_id) == person_id,
                col(Proposal.status) == ProposalStatus.SUBMITTED,
            )
        )
        self._session.exec(
            update(Proposal).where(col(Proposal.proposer_id) == person_id).values(proposer_id=None)
        )
        for model in (Identity, Consent, Membership, DialogState):
            self._session.exec(delete(model).where(col(model.person_id) == person_id))
        self._session.exec(delete(Person).where(col(Person.id) == person_id))

    def _anonymise_votes(self, person_id: int) -> None:
        voted = select(Vote.proposal_id).where(Vote.person_id == person_id)
        self._session.exec(
            update(Proposal)
            .where(col(Proposal.id).in_(voted))
            .values(anonymous_votes=col(Proposal.anonymous_votes) + 1)
        )
        self._session.exec(delete(Vote).where(col(Vote.person_id) == person_id))

    def _anonymise_poll_answers(self, person_id: int) -> None:
        chosen = select(PollAnswer.option_id).where(PollAnswer.person_id == person_id)
        self._session.exec(
            update(PollOption)
            .where(col(PollOption.id).in_(chosen))
            .values(anonymous_answers=col(PollOption.anonymous_answers) + 1)
        )
        self._session.exec(delete(PollAnswer).where(col(PollAnswer.person_id) == person_id))


class Events:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, event_id: int) -> Event | None:
        return self._session.get(Event, event_id)

    def by_code(self, code: str) -> Event | None:
        return self._session.exec(select(Event).where(Event.code == code.upper())).first()

    def add(self, event: Event, rooms: Sequence[Room], slots: Sequence[Slot]) -> Event:
        self._session.add(event)
        self._session.flush()
        assert event.id is not None
        for position, room in enumerate(rooms):
            room.event_id, room.position = event.id, position
            self._session.add(room)
        for position, slot in enumerate(slots):
            slot.event_id, slot.position = event.id, position
            self._session.add(slot)
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

    def rooms(self, event_id: int) -> list[Room]:
        statement = select(Room).where(Room.event_id == event_id).order_by(col(Room.position))
        return list(self._session.exec(statement))

    def slots(self, event_id: int) -> list[Slot]:
        statement = select(Slot).where(Slot.event_id == event_id).order_by(col(Slot.starts_at))
        return list(self._session.exec(statement))


class Proposals:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, proposal: Proposal) -> Proposal:
        # The unique (event, number) constraint turns a concurrent race into an error
        # and a retry of the whole unit of work, never into two proposals with one number.
        highest = select(func.max(Proposal.number)).where(Proposal.event_id == proposal.event_id)
        proposal.number = int(self._session.exec(highest).one() or 0) + 1
        self._session.add(proposal)
        self._session.flush()
        return proposal

    def by_number(self, event_id: int, number: int) -> Proposal | None:
        parameters = {"event_id": event_id, "number": number}
        return self._session.exec(_PROPOSAL_BY_NUMBER, params=parameters).first()

    def in_event(self, event_id: int, *statuses: ProposalStatus) -> list[Proposal]:
        if statuses:
            parameters = {"event_id": event_id, "statuses": list(statuses)}
            return list(self._session.exec(_PROPOSALS_WITH_STATUS, params=parameters))
        return list(self._session.exec(_PROPOSALS_IN_EVENT, params={"event_id": event_id}))

    def by_proposer(self, event_id: int, person_id: int) -> list[Proposal]:
        statement = (
            select(Proposal)
            .where(Proposal.event_id == event_id, Proposal.proposer_id == person_id)
            .order_by(col(Proposal.number))
        )
        return list(self._session.exec(statement))

    def tallies(self, proposals: Iterable[Proposal]) -> dict[int, int]:
        """Votes per proposal id, anonymous ones included; never who voted."""
        by_id = {p.id: p for p in proposals if p.id is not None}
        parameters = {"proposal_ids": list(by_id)}
        rows = run_core(self._session, _TALLIES, parameters)
        counted: dict[int, int] = {row.proposal_id: row.votes for row in rows}
        return {pid: counted.get(pid, 0) + p.anonymous_votes for pid, p in by_id.items()}


class Votes:
    def __init__(self, session: Session) -> None:
        self._session = session

    def of_person(self, event_id: int, person_id: int) -> set[int]:
        """Proposal ids this person voted for in the event (shown only to that person)."""
        parameters = {"person_id": person_id, "event_id": event_id}
        return set(run_core(self._session, _VOTES_OF_PERSON, parameters).scalars())

    # Votes are never loaded as objects, so they are written past the ORM as well.
    def add(self, proposal_id: int, person_id: int, now: datetime) -> None:
        values = {"proposal_id": proposal_id, "person_id": person_id, "now": now}
        run_core(self._session, _ADD_VOTE, values)

    def remove(self, proposal_id: int, person_id: int) -> None:
        run_core(self._session, _REMOVE_VOTE, {"proposal_id": proposal_id, "person_id": person_id})


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
