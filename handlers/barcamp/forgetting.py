"""What the BarCamp forgets of a person who uses /forgetme, before the core removes them,
and of an event whose retention is over (`handlers.core.retention`)."""

from __future__ import annotations

from datetime import date

from handlers.core.core_events import EventAnonymising, PersonForgetting
from handlers.core.message_bus import Effects, handles
from handlers.core.retention import last_day
from storage.uow import UnitOfWork


@handles(PersonForgetting)
def forget_votes_and_proposals(event: PersonForgetting, effects: Effects) -> None:
    """Votes become anonymous counts, waiting proposals go, the others lose their author."""
    effects.uow.votes.anonymise(event.person_id)
    effects.uow.proposals.forget_person(event.person_id)


@handles(EventAnonymising)
def anonymise_votes_and_proposals(event: EventAnonymising, effects: Effects) -> None:
    """Retention: tallies stay as anonymous counts, the ballot's sessions without authors."""
    effects.uow.proposals.anonymise_event(event.event_id)


@last_day
def last_slot_day(uow: UnitOfWork, event_id: int) -> date | None:
    """A camp may have a second day: its last slot's."""
    return max((slot.ends_at.date() for slot in uow.grid.slots(event_id)), default=None)
