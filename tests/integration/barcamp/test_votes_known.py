"""A unit of work reads a person's votes once per event and keeps what it wrote: what it
hands out is what the store holds, after a change, a merge, a rollback or /forgetme."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event as sqlalchemy_event
from sqlmodel import select

from bot.bootstrap import App
from handlers.barcamp.camp_input import RoomInput, slots
from handlers.barcamp.camps import CampInput, create_camp
from storage.barcamp.camp_tables import Proposal, ProposalStatus, Vote
from storage.uow import UnitOfWork
from tests.conftest import START
from tests.support.store import raw_session

DAY = date(2027, 6, 13)


def camp_with_proposals(app: App, count: int) -> tuple[int, int, list[int]]:
    """A camp, one person in it and `count` approved proposals: (event, person, ids)."""
    camp = CampInput("Camp", DAY, "Aula", [RoomInput("Aula", 60)], slots("10:00-11:00", DAY))
    with UnitOfWork(app.engine) as uow:
        person = uow.people.create_with_identity("fake", "ana", START)
        assert person.id is not None
        event = create_camp(uow, camp, [person.id], START)
        assert event.id is not None
        ids = []
        for number in range(count):
            proposal = uow.proposals.add(
                Proposal(
                    event_id=event.id,
                    number=0,
                    title=f"Idee {number}",
                    status=ProposalStatus.APPROVED,
                    created_at=START,
                )
            )
            assert proposal.id is not None
            ids.append(proposal.id)
        return event.id, person.id, ids


def stored_votes(app: App, person_id: int) -> set[int]:
    with raw_session(app.engine) as session:
        return set(session.exec(select(Vote.proposal_id).where(Vote.person_id == person_id)))


def test_votes_are_read_once_and_follow_what_the_unit_writes(app: App) -> None:
    event_id, person_id, (first, second, third) = camp_with_proposals(app, 3)
    reads = []
    with UnitOfWork(app.engine) as uow:

        def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if statement.lstrip().startswith("SELECT vote.proposal_id"):
                reads.append(statement)

        sqlalchemy_event.listen(app.engine, "before_cursor_execute", count)
        try:
            assert uow.votes.of_person(event_id, person_id) == set()
            uow.votes.apply(event_id, person_id, [first, second], [], START)
            assert uow.votes.of_person(event_id, person_id) == {first, second}
            uow.votes.apply(event_id, person_id, [third], [first], START)
            assert uow.votes.of_person(event_id, person_id) == {second, third}
        finally:
            sqlalchemy_event.remove(app.engine, "before_cursor_execute", count)
    assert len(reads) == 1
    assert stored_votes(app, person_id) == {second, third}


def test_a_single_write_a_rollback_and_forgetting_are_read_again(app: App) -> None:
    event_id, person_id, (first, second) = camp_with_proposals(app, 2)
    with UnitOfWork(app.engine) as uow:
        uow.votes.apply(event_id, person_id, [first], [], START)
        uow.votes.add(second, person_id, START)  # as a merge does: read again after
        assert uow.votes.of_person(event_id, person_id) == {first, second}
        uow.rollback()
        assert uow.votes.of_person(event_id, person_id) == set()
        uow.votes.apply(event_id, person_id, [second], [], START)
    with UnitOfWork(app.engine) as uow:
        assert uow.votes.of_person(event_id, person_id) == {second}
        uow.votes.anonymise(person_id)
        assert uow.votes.of_person(event_id, person_id) == set()
        assert uow.proposals.tallies(uow.proposals.in_event(event_id))[second] == 1
    assert stored_votes(app, person_id) == set()
