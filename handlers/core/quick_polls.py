"""Quick polls: native where the platform's polls can be kept to members (Matrix),
buttons elsewhere (Telegram, the console); secret by default.

Answers are kept per person only while a poll is open (so "last answer wins" works);
closing turns them into anonymous counts. Only members of the poll's event who agreed
to the privacy notice answer; anyone else's answer is not counted and leaves no trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from handlers.core.config import PRIVACY_POLICY_VERSION
from storage.core.shared_tables import Poll, PollOption
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from handlers.core.context import Context


@dataclass(frozen=True)
class PollKind:
    """Polls a domain keeps for itself in the `poll` table (a council's date polls): they
    are numbered with the quick polls, `/closepoll N` hands them to `close`, and
    `/pollanswer` leaves them alone. The core knows no domain: each registers its kind."""

    owns: Callable[[UnitOfWork, Poll], bool]
    close: Callable[[Context, Poll], None]


POLL_KINDS: list[PollKind] = []


def poll_kind(kind: PollKind) -> PollKind:
    POLL_KINDS.append(kind)
    return kind


def kind_of(uow: UnitOfWork, poll: Poll) -> PollKind | None:
    """The domain's kind that owns the poll; None for a quick poll."""
    return next((kind for kind in POLL_KINDS if kind.owns(uow, poll)), None)


def create_poll(
    uow: UnitOfWork,
    event_id: int,
    question: str,
    options: list[str],
    created_by: int,
    now: datetime,
) -> tuple[Poll, list[PollOption]]:
    poll = Poll(
        event_id=event_id, number=0, question=question, created_by=created_by, created_at=now
    )
    rows = uow.polls.create(poll, options)
    return poll, rows


def options_of(uow: UnitOfWork, poll_id: int) -> list[PollOption]:
    return uow.polls.options(poll_id)


def poll_for_ref(uow: UnitOfWork, platform: str, poll_ref: str) -> Poll | None:
    """The poll a platform message shows."""
    poll_id = uow.message_refs.object_shown(platform, poll_ref, "poll")
    return uow.polls.get(poll_id) if poll_id is not None else None


def may_answer(uow: UnitOfWork, poll: Poll, person_id: int) -> bool:
    """While the poll is open, a member of its event who agreed to the privacy notice."""
    if poll.closed or poll.id is None or poll.event_id is None:
        return False
    if uow.events.membership(poll.event_id, person_id) is None:
        return False
    return uow.people.has_consent(person_id, PRIVACY_POLICY_VERSION)


def record_answer(
    uow: UnitOfWork, poll: Poll, person_id: int, position: int | None, now: datetime
) -> bool:
    """One answer per person, the last one wins; None takes the answer back. False, and
    nothing stored, for whoever may not answer (`may_answer`)."""
    if poll.id is None or not may_answer(uow, poll, person_id):
        return False
    uow.polls.take_back(poll.id, person_id)
    if position is None:
        return True
    option = next((o for o in options_of(uow, poll.id) if o.position == position), None)
    if option is None or option.id is None:
        return False
    uow.polls.answer(poll.id, option.id, person_id, now)
    return True


def close_poll(uow: UnitOfWork, poll: Poll) -> None:
    """Freeze the poll: per-person answers become anonymous counts."""
    if poll.id is None:
        return
    for option, count in zip(options_of(uow, poll.id), _answer_counts(uow, poll.id), strict=True):
        option.anonymous_answers += count
    uow.polls.forget_answers(poll.id)
    poll.closed = True


def results(uow: UnitOfWork, poll_id: int) -> list[tuple[str, int]]:
    options = options_of(uow, poll_id)
    counts = _answer_counts(uow, poll_id)
    return [(o.text, o.anonymous_answers + count) for o, count in zip(options, counts, strict=True)]


def _answer_counts(uow: UnitOfWork, poll_id: int) -> list[int]:
    options = options_of(uow, poll_id)
    chosen = uow.polls.answer_counts(poll_id)
    return [chosen[option.id] if option.id is not None else 0 for option in options]
