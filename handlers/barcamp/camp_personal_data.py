"""The BarCamp's part of a person's own data (`/mydata`): their proposals and votes.

Votes are secret from everybody else; in the person's own file they are listed, since
they are the person's own data.
"""

from __future__ import annotations

from typing import Any

from handlers.core.personal_data import event_codes, personal_data
from storage.uow import UnitOfWork


@personal_data("proposals")
def proposals_of(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "event": code,
            "number": proposal.number,
            "title": proposal.title,
            "description": proposal.description,
            "status": proposal.status.value,
            "created_at": proposal.created_at,
        }
        for event_id, code in event_codes(uow, person_id)
        for proposal in uow.proposals.by_proposer(event_id, person_id)
    ]


@personal_data("votes")
def votes_of(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    votes = []
    for event_id, code in event_codes(uow, person_id):
        chosen = uow.votes.of_person(event_id, person_id)
        for proposal in uow.proposals.in_event(event_id):
            if proposal.id in chosen:
                votes.append({"event": code, "number": proposal.number, "title": proposal.title})
    return votes
