"""The ballot's repositories: each camp's settings (vote budget, open voting, visible
counts, publication, reminders), session proposals and votes. Tallies are public, who
voted for what is not."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, update
from sqlmodel import Session, col, select

from storage.barcamp.camp_tables import CampSettings, Proposal, ProposalStatus, Vote
from storage.core.shared_tables import Identity, Person
from storage.db import run_core

_PROPOSAL_BY_NUMBER = select(Proposal).where(
    Proposal.event_id == bindparam("event_id"), Proposal.number == bindparam("number")
)


# A reaction on a proposal message votes with this number (Matrix): one per reaction.
_NUMBER_IN_ACTIVE_EVENT = (
    select(Proposal.number)
    .join(Person, col(Person.active_event_id) == col(Proposal.event_id))
    .join(Identity, col(Identity.person_id) == col(Person.id))
    .where(
        Proposal.id == bindparam("proposal_id"),
        Identity.platform == bindparam("platform"),
        Identity.platform_user_id == bindparam("user_id"),
    )
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

    def get(self, proposal_id: int) -> Proposal | None:
        return self._session.get(Proposal, proposal_id)

    def number_in_active_event(
        self, proposal_id: int, platform: str, platform_user_id: str
    ) -> int | None:
        """The proposal's number, if it belongs to the active event of the person behind
        this platform account (`/vote N` works on the active event)."""
        parameters = {"proposal_id": proposal_id, "platform": platform, "user_id": platform_user_id}
        return self._session.exec(_NUMBER_IN_ACTIVE_EVENT, params=parameters).first()

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
        their author. The votes go first, through `Votes.anonymise`."""
        self._session.exec(
            delete(Proposal).where(
                col(Proposal.proposer_id) == person_id,
                col(Proposal.status) == ProposalStatus.SUBMITTED,
            )
        )
        self._session.exec(
            update(Proposal).where(col(Proposal.proposer_id) == person_id).values(proposer_id=None)
        )

    def move_author(self, gone: int, kept: int) -> None:
        """Two accounts became one person: their proposals (and so co-hosts) are theirs."""
        self._session.exec(
            update(Proposal).where(col(Proposal.proposer_id) == gone).values(proposer_id=kept)
        )

    def anonymise_event(self, event_id: int) -> None:
        """Retention: every vote of the event becomes an anonymous count, proposals that
        never made it onto the ballot go, the others lose their author."""
        in_event = select(Proposal.id).where(Proposal.event_id == event_id)
        counted = (
            select(func.count()).where(col(Vote.proposal_id) == col(Proposal.id)).scalar_subquery()
        )
        self._session.exec(
            update(Proposal)
            .where(col(Proposal.event_id) == event_id)
            .values(anonymous_votes=col(Proposal.anonymous_votes) + counted)
        )
        self._session.exec(delete(Vote).where(col(Vote.proposal_id).in_(in_event)))
        unused = (ProposalStatus.SUBMITTED, ProposalStatus.REJECTED)
        targets = select(Proposal.merged_into_id).where(col(Proposal.merged_into_id).is_not(None))
        self._session.exec(
            delete(Proposal).where(
                col(Proposal.event_id) == event_id,
                col(Proposal.status).in_(unused),
                col(Proposal.id).not_in(targets),
            )
        )
        self._session.exec(
            update(Proposal).where(col(Proposal.event_id) == event_id).values(proposer_id=None)
        )


class Votes:
    def __init__(self, session: Session) -> None:
        self._session = session
        # A person's votes in an event, as this unit of work last read or wrote them: a
        # press reads them for the ballot rule and again for the re-rendered ballot.
        self._known: dict[tuple[int, int], frozenset[int]] = {}

    def of_person(self, event_id: int, person_id: int) -> set[int]:
        """Proposal ids this person voted for in the event (shown only to that person)."""
        known = self._known.get((event_id, person_id))
        if known is None:
            parameters = {"person_id": person_id, "event_id": event_id}
            known = frozenset(run_core(self._session, _VOTES_OF_PERSON, parameters).scalars())
            self._known[event_id, person_id] = known
        return set(known)

    def apply(
        self,
        event_id: int,
        person_id: int,
        added: Iterable[int],
        removed: Iterable[int],
        now: datetime,
    ) -> None:
        """A ballot's change in one event: votes added and taken back."""
        before = self.of_person(event_id, person_id)
        added, removed = set(added), set(removed)
        for proposal_id in added:
            self.add(proposal_id, person_id, now)
        for proposal_id in removed:
            self.remove(proposal_id, person_id)
        self._known[event_id, person_id] = frozenset((before | added) - removed)

    def cast_by(self, person_id: int) -> dict[int, dict[int, datetime]]:
        """Every vote of the person, per event: proposal id -> when it was cast."""
        statement = (
            select(Proposal.event_id, Vote.proposal_id, Vote.created_at)
            .join(Proposal, col(Proposal.id) == col(Vote.proposal_id))
            .where(Vote.person_id == person_id)
        )
        found: dict[int, dict[int, datetime]] = {}
        for event_id, proposal_id, cast_at in self._session.exec(statement):
            found.setdefault(event_id, {})[proposal_id] = cast_at
        return found

    # Votes are never loaded as objects, so they are written past the ORM as well.
    def add(self, proposal_id: int, person_id: int, now: datetime) -> None:
        self._forget_known(person_id)
        values = {"proposal_id": proposal_id, "person_id": person_id, "now": now}
        run_core(self._session, _ADD_VOTE, values)

    def remove(self, proposal_id: int, person_id: int) -> None:
        self._forget_known(person_id)
        run_core(self._session, _REMOVE_VOTE, {"proposal_id": proposal_id, "person_id": person_id})

    def anonymise(self, person_id: int) -> None:
        """/forgetme: the person's votes stay only as anonymous counts."""
        self._forget_known(person_id)
        voted = select(Vote.proposal_id).where(Vote.person_id == person_id)
        self._session.exec(
            update(Proposal)
            .where(col(Proposal.id).in_(voted))
            .values(anonymous_votes=col(Proposal.anonymous_votes) + 1)
        )
        self._session.exec(delete(Vote).where(col(Vote.person_id) == person_id))

    def forget(self) -> None:
        """After a rollback: what was read or written before may be undone."""
        self._known.clear()

    def _forget_known(self, person_id: int) -> None:
        for key in [key for key in self._known if key[1] == person_id]:
            del self._known[key]


class CampSettingsRepository:
    """The rows are part of the unit of work: what a use case changes on one is stored
    when the unit commits."""

    def __init__(self, session: Session) -> None:
        self._session = session
        # A vote press asks several times (the check, the budget line, the refreshed
        # view): one primary-key read per unit, also against the weak identity map.
        self._known: dict[int, CampSettings] = {}

    def of(self, event_id: int) -> CampSettings:
        """The camp's settings. An event without a row (a council's: councils have no
        camp settings) gets one with the defaults, which BarCamp commands used on it have
        always seen."""
        known = self._known.get(event_id)
        if known is None:
            known = self._session.get(CampSettings, event_id) or self.create(event_id)
            self._known[event_id] = known
        return known

    def create(self, event_id: int) -> CampSettings:
        """The settings of a new camp, with the defaults."""
        settings = CampSettings(event_id=event_id)
        self._session.add(settings)
        self._session.flush()
        self._known[event_id] = settings
        return settings

    def forget(self) -> None:
        """After a rollback: rows read or created before may be gone or changed."""
        self._known.clear()
