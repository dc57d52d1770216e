"""What the BarCamp forgets of a person who uses /forgetme, before the core removes them."""

from __future__ import annotations

from handlers.core.core_events import PersonForgetting
from handlers.core.message_bus import Effects, handles


@handles(PersonForgetting)
def forget_votes_and_proposals(event: PersonForgetting, effects: Effects) -> None:
    """Votes become anonymous counts, waiting proposals go, the others lose their author."""
    effects.uow.votes.anonymise(event.person_id)
    effects.uow.proposals.forget_person(event.person_id)
