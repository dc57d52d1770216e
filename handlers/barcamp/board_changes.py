"""What the live board learns of a camp: every change its pages show raises the camp's
change counter (web processes poll it), a moved session's calendar SEQUENCE rises; and
the personal calendar links are personal data (/mydata, /forgetme, retention)."""

from __future__ import annotations

from typing import Any

from handlers.barcamp.camp_events import (
    AgendaPublished,
    ProposalsMerged,
    PublicHostsChanged,
    SessionPinned,
    SessionsMoved,
)
from handlers.core.core_events import EventAnonymising, PersonForgetting
from handlers.core.message_bus import Effects, handles
from handlers.core.personal_data import personal_data
from storage.uow import UnitOfWork

BoardChange = AgendaPublished | ProposalsMerged | PublicHostsChanged | SessionPinned


def count_the_change(event: BoardChange | SessionsMoved, effects: Effects) -> None:
    effects.uow.board.changed(event.event_id, effects.now)


handles(AgendaPublished)(count_the_change)
handles(ProposalsMerged)(count_the_change)
handles(PublicHostsChanged)(count_the_change)
handles(SessionPinned)(count_the_change)


@handles(SessionsMoved)
def count_the_move(event: SessionsMoved, effects: Effects) -> None:
    """Calendar apps take the moved entries as newer ones, open pages redraw."""
    effects.uow.board.moved(event.session_ids)
    count_the_change(event, effects)


@handles(PersonForgetting)
def forget_calendar_links(event: PersonForgetting, effects: Effects) -> None:
    effects.uow.board.forget_person(event.person_id)


@handles(EventAnonymising)
def drop_calendar_links(event: EventAnonymising, effects: Effects) -> None:
    effects.uow.board.forget_event(event.event_id)


@personal_data("calendar_links")
def calendar_links_of(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    """The token is the person's: whoever has it reads their programme."""
    return [
        {"event": code, "token": link.token, "created_at": link.created_at}
        for link, code in uow.board.links_of_person(person_id)
    ]
