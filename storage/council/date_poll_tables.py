"""A council's meeting-date polls: the poll's own settings and each member's answers.

A date poll is a `Poll` of the core (so it is numbered per event with the quick polls
and `/closepoll N` finds it) whose options are the dates, written `YYYY-MM-DD HH:MM` in
the council's wall-clock time. What only a date poll has lives here: its duration and
deadline, what closing proposed, the meeting it became, and per person and date one of
yes / if need be / no (not secret: the organisers see who answered what).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class DateAnswerKind(enum.StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class DatePoll(SQLModel, table=True):
    """One row per date poll, keyed by its core poll."""

    poll_id: int = Field(primary_key=True, foreign_key="poll.id", ondelete="CASCADE")
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    duration_minutes: int = 90
    # A moment (UTC); None: open until someone uses /closepoll.
    deadline: datetime | None = None
    # What closing proposed by the stated rule (`handlers.council.date_choice`).
    proposed_option_id: int | None = Field(
        default=None, foreign_key="polloption.id", ondelete="SET NULL"
    )
    # The meeting an organiser confirmed; None while none is.
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")


class DateAnswer(SQLModel, table=True):
    """A member's answer to one date of a date poll; the last one counts."""

    __table_args__ = (UniqueConstraint("option_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="poll.id", index=True, ondelete="CASCADE")
    option_id: int = Field(foreign_key="polloption.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    answer: DateAnswerKind
    answered_at: datetime
