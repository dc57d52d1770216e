"""Quick polls: native where the platform has polls, buttons elsewhere; secret by default.

Answers are kept per person only while a poll is open (so "last answer wins" works);
closing turns them into anonymous counts.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select

from storage.core.shared_tables import MessageRef, Poll, PollAnswer, PollOption
from storage.uow import UnitOfWork


def create_poll(
    uow: UnitOfWork,
    event_id: int,
    question: str,
    options: list[str],
    created_by: int,
    now: datetime,
) -> tuple[Poll, list[PollOption]]:
    poll = Poll(event_id=event_id, question=question, created_by=created_by, created_at=now)
    uow.session.add(poll)
    uow.flush()
    assert poll.id is not None
    rows = [PollOption(poll_id=poll.id, position=i, text=text) for i, text in enumerate(options)]
    uow.session.add_all(rows)
    uow.flush()
    return poll, rows


def options_of(uow: UnitOfWork, poll_id: int) -> list[PollOption]:
    statement = select(PollOption).where(PollOption.poll_id == poll_id)
    return list(uow.session.exec(statement.order_by(col(PollOption.position))))


def poll_for_ref(uow: UnitOfWork, platform: str, poll_ref: str) -> Poll | None:
    """The poll a platform message (or Telegram poll id) shows."""
    statement = select(MessageRef.object_id).where(
        MessageRef.platform == platform,
        MessageRef.message_id == poll_ref,
        MessageRef.kind == "poll",
    )
    poll_id = uow.session.exec(statement).first()
    return uow.session.get(Poll, poll_id) if poll_id is not None else None


def record_answer(
    uow: UnitOfWork, poll: Poll, person_id: int, position: int | None, now: datetime
) -> bool:
    """One answer per person, the last one wins; None takes the answer back."""
    if poll.closed or poll.id is None:
        return False
    uow.session.exec(
        delete(PollAnswer).where(
            col(PollAnswer.poll_id) == poll.id, col(PollAnswer.person_id) == person_id
        )
    )
    if position is None:
        return True
    option = next((o for o in options_of(uow, poll.id) if o.position == position), None)
    if option is None or option.id is None:
        return False
    uow.session.add(
        PollAnswer(poll_id=poll.id, option_id=option.id, person_id=person_id, answered_at=now)
    )
    return True


def record_tally(uow: UnitOfWork, poll: Poll, counts: tuple[int, ...], closed: bool) -> None:
    """Counts of an anonymous native poll replace what we knew."""
    if poll.id is None:
        return
    for option in options_of(uow, poll.id):
        if option.position < len(counts):
            option.anonymous_answers = counts[option.position]
            uow.session.add(option)
    if closed:
        close_poll(uow, poll)


def close_poll(uow: UnitOfWork, poll: Poll) -> None:
    """Freeze the poll: per-person answers become anonymous counts."""
    if poll.id is None:
        return
    for option, count in zip(options_of(uow, poll.id), _answer_counts(uow, poll.id), strict=True):
        option.anonymous_answers += count
        uow.session.add(option)
    uow.session.exec(delete(PollAnswer).where(col(PollAnswer.poll_id) == poll.id))
    poll.closed = True
    uow.session.add(poll)


def results(uow: UnitOfWork, poll_id: int) -> list[tuple[str, int]]:
    options = options_of(uow, poll_id)
    counts = _answer_counts(uow, poll_id)
    return [(o.text, o.anonymous_answers + count) for o, count in zip(options, counts, strict=True)]


def _answer_counts(uow: UnitOfWork, poll_id: int) -> list[int]:
    options = options_of(uow, poll_id)
    statement = select(PollAnswer.option_id).where(PollAnswer.poll_id == poll_id)
    chosen = Counter(uow.session.exec(statement))
    return [chosen[option.id] if option.id is not None else 0 for option in options]
