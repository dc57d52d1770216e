"""The council's invitations are personal (who was at which camp, and was asked): they
are in /mydata, and go with /forgetme and with the retention of the council or of the
camp they came from."""

from __future__ import annotations

from typing import Any

from handlers.core.core_events import EventAnonymising, PersonForgetting
from handlers.core.message_bus import Effects, handles
from handlers.core.personal_data import personal_data
from storage.uow import UnitOfWork


@personal_data("council_invitations")
def invitations_of(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "council": _code(uow, invitation.council_id),
            "from_camp": _code(uow, invitation.camp_id),
            "invited_at": invitation.invited_at,
            "declined_at": invitation.declined_at,
        }
        for invitation in uow.council_invitations.of_person(person_id)
    ]


def _code(uow: UnitOfWork, event_id: int) -> str | None:
    event = uow.events.get(event_id)
    return event.code if event is not None else None


@handles(PersonForgetting)
def forget_invitations(forgetting: PersonForgetting, effects: Effects) -> None:
    effects.uow.council_invitations.forget_person(forgetting.person_id)


@handles(EventAnonymising)
def drop_invitations_of_event(anonymising: EventAnonymising, effects: Effects) -> None:
    effects.uow.council_invitations.forget_event(anonymising.event_id)
