"""The agenda from the store: the one `Agenda` value that chat, reminders and exports read."""

from __future__ import annotations

from collections.abc import Iterable

from schedules.barcamp.agenda_model import Agenda, AgendaRoom, AgendaSession, AgendaSlot
from storage.barcamp.camp_tables import Proposal, ProposalStatus
from storage.uow import UnitOfWork


def build_agenda(uow: UnitOfWork, event_id: int, language: str) -> Agenda:
    """Rooms, slots and approved sessions with hosts' names, votes and places in the grid."""
    event = uow.events.get(event_id)
    if event is None:
        raise LookupError(f"no event {event_id}")
    sessions = uow.proposals.in_event(event_id, ProposalStatus.APPROVED)
    tallies = uow.proposals.tallies(sessions)
    places = {a.proposal_id: (a.slot_id, a.room_id) for a in uow.grid.of_event(event_id)}
    hosts = hosts_by_session(uow, event_id)

    def session(proposal: Proposal) -> AgendaSession:
        session_id = _id(proposal.id)
        slot_id, room_id = places.get(session_id, (None, None))
        return AgendaSession(
            id=session_id,
            number=proposal.number,
            title=proposal.title,
            description=proposal.description,
            hosts=_names(uow, hosts.get(session_id, [])),
            votes=tallies.get(session_id, 0),
            slot_id=slot_id,
            room_id=room_id,
            sequence=proposal.calendar_sequence,
        )

    return Agenda(
        code=event.code,
        name=event.name,
        place=event.place,
        timezone=event.timezone,
        rooms=tuple(
            AgendaRoom(_id(room.id), room.name, room.capacity) for room in uow.grid.rooms(event_id)
        ),
        slots=tuple(
            AgendaSlot(_id(slot.id), slot.starts_at, slot.ends_at, slot.blocked)
            for slot in uow.grid.slots(event_id)
        ),
        sessions=tuple(session(proposal) for proposal in sessions),
        published=uow.camp_settings.of(event_id).agenda_published_at is not None,
        language=language,
    )


def hosts_by_session(uow: UnitOfWork, event_id: int) -> dict[int, list[int]]:
    """Person ids hosting each approved session: its proposer and those merged into it."""
    hosts: dict[int, list[int]] = {}
    proposals = uow.proposals.in_event(event_id, ProposalStatus.APPROVED, ProposalStatus.MERGED)
    for proposal in proposals:
        session_id = _session_of(proposal)
        if proposal.proposer_id is not None and session_id is not None:
            people = hosts.setdefault(session_id, [])
            if proposal.proposer_id not in people:
                people.append(proposal.proposer_id)
    return hosts


def interested_people(uow: UnitOfWork, event_id: int) -> dict[int, set[int]]:
    """Hosts and voters per session: who hears of its reminders and changes, privately."""
    interested = uow.grid.voters(event_id)
    for session_id, hosts in hosts_by_session(uow, event_id).items():
        interested.setdefault(session_id, set()).update(hosts)
    return interested


def _session_of(proposal: Proposal) -> int | None:
    if proposal.status == ProposalStatus.MERGED:
        return proposal.merged_into_id
    return proposal.id


def _names(uow: UnitOfWork, person_ids: Iterable[int]) -> tuple[str, ...]:
    people = (uow.people.get(person_id) for person_id in person_ids)
    # Before consent a person has no name; they are no host to show then.
    return tuple(person.display_name for person in people if person and person.display_name)


def _id(value: int | None) -> int:
    assert value is not None, "stored rows have ids"
    return value


def sessions_of_person(uow: UnitOfWork, event_id: int, person_id: int) -> set[int]:
    """Sessions the person voted for or hosts: shown to that person only."""
    hosted = {sid for sid, hosts in hosts_by_session(uow, event_id).items() if person_id in hosts}
    return uow.votes.of_person(event_id, person_id) | hosted
