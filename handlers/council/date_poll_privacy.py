"""What the council keeps of a person's date-poll answers: in /mydata, gone with /forgetme,
and gone with the council's retention (the polls and the meetings they became stay)."""

from __future__ import annotations

from typing import Any

from handlers.core.core_events import EventAnonymising, PersonForgetting
from handlers.core.message_bus import Effects, handles
from handlers.core.personal_data import personal_data
from storage.uow import UnitOfWork


@handles(PersonForgetting)
def forget_date_answers(event: PersonForgetting, effects: Effects) -> None:
    effects.uow.date_polls.forget_person(event.person_id)


@handles(EventAnonymising)
def anonymise_date_answers(event: EventAnonymising, effects: Effects) -> None:
    effects.uow.date_polls.forget_event(event.event_id)


@personal_data("date_poll_answers")
def date_answers_of(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    rows = []
    for answer in uow.date_polls.of_person(person_id):
        poll = uow.polls.get(answer.poll_id)
        event = uow.events.get(poll.event_id) if poll and poll.event_id else None
        option = next(
            (o for o in uow.polls.options(answer.poll_id) if o.id == answer.option_id), None
        )
        if poll is None or event is None or option is None:
            continue
        rows.append(
            {
                "event": event.code,
                "poll": poll.number,
                "title": poll.question,
                "date": option.text,
                "answer": answer.answer.value,
                "answered_at": answer.answered_at,
            }
        )
    return rows
