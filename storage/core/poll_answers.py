"""Quick polls: the polls, their options and, while a poll is open, who answered what."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.core.shared_tables import MessageRef, Poll, PollAnswer, PollOption


class Polls:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, poll_id: int) -> Poll | None:
        return self._session.get(Poll, poll_id)

    def by_number(self, event_id: int, number: int) -> Poll | None:
        statement = select(Poll).where(Poll.event_id == event_id, Poll.number == number)
        return self._session.exec(statement).first()

    def create(self, poll: Poll, options: list[str]) -> list[PollOption]:
        """Store a new poll with the event's next number and its options, in this order;
        the options."""
        # Two polls created at once collide on the unique (event, number) index, and the
        # unit of work is retried: never two polls with one number.
        highest = select(func.max(Poll.number)).where(Poll.event_id == poll.event_id)
        poll.number = int(self._session.exec(highest).one() or 0) + 1
        self._session.add(poll)
        self._session.flush()
        assert poll.id is not None
        rows = [
            PollOption(poll_id=poll.id, position=i, text=text) for i, text in enumerate(options)
        ]
        self._session.add_all(rows)
        self._session.flush()
        return rows

    def newest_open(self, event_id: int, shown_in: tuple[str, str] | None = None) -> Poll | None:
        """The event's open poll started last; with `shown_in` (platform, chat id), the
        last one posted to that chat."""
        statement = select(Poll).where(Poll.event_id == event_id, col(Poll.closed).is_(False))
        if shown_in is not None:
            statement = statement.where(col(Poll.id).in_(_posted_to(*shown_in)))
        return self._session.exec(statement.order_by(col(Poll.id).desc())).first()

    def posted_to(
        self, platform: str, chat_id: str, number: int, message_id: str | None = None
    ) -> Poll | None:
        """Poll `number` as posted to that chat (by whichever event posted it), the newest
        one; with `message_id`, the one that message shows."""
        posted = _posted_to(platform, chat_id, message_id)
        statement = select(Poll).where(Poll.number == number, col(Poll.id).in_(posted))
        return self._session.exec(statement.order_by(col(Poll.id).desc())).first()

    def options(self, poll_id: int) -> list[PollOption]:
        statement = select(PollOption).where(PollOption.poll_id == poll_id)
        return list(self._session.exec(statement.order_by(col(PollOption.position))))

    def answer(self, poll_id: int, option_id: int, person_id: int, now: datetime) -> None:
        self._session.add(
            PollAnswer(poll_id=poll_id, option_id=option_id, person_id=person_id, answered_at=now)
        )

    def take_back(self, poll_id: int, person_id: int) -> None:
        """Forget the person's answer to the poll, if there is one."""
        self._session.exec(
            delete(PollAnswer).where(
                col(PollAnswer.poll_id) == poll_id, col(PollAnswer.person_id) == person_id
            )
        )

    def answer_counts(self, poll_id: int) -> Counter[int]:
        """Answers per option id, of the people whose answers are still kept."""
        statement = select(PollAnswer.option_id).where(PollAnswer.poll_id == poll_id)
        return Counter(self._session.exec(statement))

    def forget_answers(self, poll_id: int) -> None:
        """Who answered what, for every person (the counts stay where the caller put them)."""
        self._session.exec(delete(PollAnswer).where(col(PollAnswer.poll_id) == poll_id))


def _posted_to(
    platform: str, chat_id: str, message_id: str | None = None
) -> SelectOfScalar[int | None]:
    """The ids of the polls posted to a chat (in one message of it, if given)."""
    posted = select(col(MessageRef.object_id)).where(
        MessageRef.kind == "poll", MessageRef.platform == platform, MessageRef.chat_id == chat_id
    )
    if message_id is not None:
        posted = posted.where(MessageRef.message_id == message_id)
    return posted
