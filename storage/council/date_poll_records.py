"""The date polls' repository: their settings and who answered which date how."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.council.date_poll_tables import DateAnswer, DateAnswerKind, DatePoll
from storage.council.person_rows import move_person_rows


class DatePolls:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, date_poll: DatePoll) -> DatePoll:
        self._session.add(date_poll)
        self._session.flush()
        return date_poll

    def get(self, poll_id: int) -> DatePoll | None:
        return self._session.get(DatePoll, poll_id)

    def answers(self, poll_id: int) -> Sequence[DateAnswer]:
        """Every kept answer of the poll, in a stable order."""
        return self._session.exec(
            select(DateAnswer)
            .where(DateAnswer.poll_id == poll_id)
            .order_by(col(DateAnswer.option_id), col(DateAnswer.person_id))
        ).all()

    def answer(
        self, poll_id: int, option_id: int, person_id: int, answer: DateAnswerKind, now: datetime
    ) -> None:
        """The person's answer to one date; an earlier one is replaced."""
        found = self._session.exec(
            select(DateAnswer).where(
                DateAnswer.option_id == option_id, DateAnswer.person_id == person_id
            )
        ).first()
        if found is None:
            found = DateAnswer(
                poll_id=poll_id,
                option_id=option_id,
                person_id=person_id,
                answer=answer,
                answered_at=now,
            )
        found.answer, found.answered_at = answer, now
        self._session.add(found)
        self._session.flush()

    def of_person(self, person_id: int) -> Sequence[DateAnswer]:
        return self._session.exec(
            select(DateAnswer)
            .where(DateAnswer.person_id == person_id)
            .order_by(col(DateAnswer.poll_id), col(DateAnswer.option_id))
        ).all()

    def forget_person(self, person_id: int) -> None:
        self._session.exec(delete(DateAnswer).where(col(DateAnswer.person_id) == person_id))

    def move_person(self, gone: int, kept: int) -> None:
        """`/link`: one answer per date, the kept account's if both answered."""
        move_person_rows(self._session, DateAnswer, ("option_id",), gone, kept)

    def forget_event(self, event_id: int) -> None:
        """Retention: who answered what goes; the polls and their meetings stay."""
        polls = select(DatePoll.poll_id).where(DatePoll.event_id == event_id)
        self._session.exec(delete(DateAnswer).where(col(DateAnswer.poll_id).in_(polls)))
