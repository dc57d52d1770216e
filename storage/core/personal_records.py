"""What the core keeps of one person, read for `/mydata` (the person's own data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.core.shared_tables import Consent, Event, Poll, PollAnswer, PollOption


@dataclass(frozen=True)
class PollAnswerRecord:
    event_code: str | None
    question: str
    answer: str
    answered_at: datetime


class PersonalRecords:
    """Read-only: rows of one person that no other repository lists."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def consents(self, person_id: int) -> list[Consent]:
        statement = (
            select(Consent).where(Consent.person_id == person_id).order_by(col(Consent.given_at))
        )
        return list(self._session.exec(statement))

    def poll_answers(self, person_id: int) -> list[PollAnswerRecord]:
        """Answers still kept per person (open polls); closed ones are anonymous counts."""
        statement = (
            select(PollAnswer, Poll, PollOption, Event.code)
            .join(Poll, col(Poll.id) == col(PollAnswer.poll_id))
            .join(PollOption, col(PollOption.id) == col(PollAnswer.option_id))
            .outerjoin(Event, col(Event.id) == col(Poll.event_id))
            .where(PollAnswer.person_id == person_id)
            .order_by(col(PollAnswer.answered_at), col(PollAnswer.id))
        )
        return [
            PollAnswerRecord(code, poll.question, option.text, answer.answered_at)
            for answer, poll, option, code in self._session.exec(statement)
        ]
