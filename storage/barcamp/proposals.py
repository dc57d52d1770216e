"""Session proposals and votes: tallies are public, who voted for what is not."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, update
from sqlmodel import Session, col, select

from storage.barcamp.camp_tables import Proposal, ProposalStatus, Vote
from storage.db import run_core

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

    def forget_person(self, person_id: int) -> None:
        """Votes become anonymous counts; proposals still waiting for moderation are
        deleted, approved ones belong to the camp (others voted for them) and lose
        their author."""
        self._anonymise_votes(person_id)
        self._session.exec(
            delete(Proposal).where(
                col(Proposal.proposer_id) == person_id,
                col(Proposal.status) == ProposalStatus.SUBMITTED,
            )
        )
        self._session.exec(
            update(Proposal).where(col(Proposal.proposer_id) == person_id).values(proposer_id=None)
        )

    def _anonymise_votes(self, person_id: int) -> None:
        voted = select(Vote.proposal_id).where(Vote.person_id == person_id)
        self._session.exec(
            update(Proposal)
            .where(col(Proposal.id).in_(voted))
            .values(anonymous_votes=col(Proposal.anonymous_votes) + 1)
        )
        self._session.exec(delete(Vote).where(col(Vote.person_id) == person_id))


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
