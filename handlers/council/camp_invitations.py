"""Inviting a linked camp's people into the council: each once, nobody added unasked.

Whom to invite is a pure rule (`to_invite`); `invitees` loads what it needs. The
invitations themselves are sent by the handler of `CampPeopleInvited`, each with a
join button: only pressing it (or /join) makes someone a member.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from handlers.core.config import PRIVACY_POLICY_VERSION
from handlers.core.message_bus import DomainEvent
from storage.core.shared_tables import Event, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Candidate:
    """A person of a linked camp, as far as inviting them goes."""

    person_id: int
    camp_id: int
    # Agreed to the current privacy notice (an organiser named on the CLI may not have).
    consented: bool
    # One platform account at least that has not blocked the bot.
    reachable: bool


@dataclass(frozen=True)
class CampPeopleInvited(DomainEvent):
    """Invitations recorded: (person id, camp id) each; the handler sends them."""

    council_id: int
    invited: tuple[tuple[int, int], ...]


def to_invite(
    candidates: Iterable[Candidate], members: set[int], invited: set[int]
) -> list[Candidate]:
    """Who gets an invitation: not a member yet, never invited (from any camp), agreed to
    the privacy notice and reachable; one per person, from the first camp they are in."""
    chosen: dict[int, Candidate] = {}
    for candidate in candidates:
        person = candidate.person_id
        if person in members or person in invited or person in chosen:
            continue
        if candidate.consented and candidate.reachable:
            chosen[person] = candidate
    return list(chosen.values())


def invitees(uow: UnitOfWork, council_id: int) -> list[Candidate]:
    """The linked camps' people the council would invite now."""
    members = {_id(person) for person in uow.events.members(council_id)}
    candidates = (
        Candidate(
            _id(person),
            _id(camp),
            uow.people.has_consent(_id(person), PRIVACY_POLICY_VERSION),
            any(i.unreachable_at is None for i in uow.people.identities(_id(person))),
        )
        for camp in uow.event_links.camps_of(council_id)
        for person in uow.events.members(_id(camp))
        if _id(person) not in members
    )
    return to_invite(candidates, members, uow.council_invitations.invited(council_id))


def _id(row: Person | Event) -> int:
    assert row.id is not None
    return row.id
