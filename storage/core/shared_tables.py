"""SQLModel tables: the one shared store of every adapter and process.

Privacy by design: a person holds only what the bot needs (display name they chose,
language, reminder preference); platform ids live in `Identity`, platform message
ids only in `MessageRef`. Votes and poll answers are tied to a person only while the
person exists; `/forgetme` turns them into anonymous counts.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class EventKind(enum.StrEnum):
    BARCAMP = "barcamp"
    COUNCIL = "council"


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    YOUTHWORKER = "youthworker"
    ORGANISER = "organiser"


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Empty until consent: before it, nothing beyond the platform id is stored.
    display_name: str = Field(default="", max_length=64)
    language: str | None = Field(default=None, max_length=8)
    remind: bool = True
    active_event_id: int | None = Field(default=None, foreign_key="event.id", ondelete="SET NULL")
    created_at: datetime


class Identity(SQLModel, table=True):
    """One platform account of a person, e.g. ("telegram", "123")."""

    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    platform_user_id: str = Field(max_length=255)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    # Where to reach the person directly (Telegram: the user id; Matrix: a DM room).
    direct_chat_id: str | None = Field(default=None, max_length=255)
    # Set when the person blocked the bot: deliveries are skipped, not retried forever.
    unreachable_at: datetime | None = None


class Consent(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("person_id", "policy_version"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    policy_version: int
    given_at: datetime


class Event(SQLModel, table=True):
    """A BarCamp or a youth council: only what every kind has (a camp's own settings are
    `storage.barcamp.camp_tables.CampSettings`)."""

    id: int | None = Field(default=None, primary_key=True)
    kind: EventKind = Field(default=EventKind.BARCAMP)
    name: str = Field(max_length=80)
    code: str = Field(max_length=16, unique=True)
    starts_on: date | None = None
    place: str = Field(default="", max_length=120)
    timezone: str = Field(default="Europe/Berlin", max_length=64)
    created_at: datetime


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    role: Role = Field(default=Role.PARTICIPANT)
    joined_at: datetime


class Poll(SQLModel, table=True):
    """Quick polls and meeting-date polls; answers are secret unless `secret` is off."""

    # An index rather than a constraint: migration 0008 adds it to the existing table.
    __table_args__ = (Index("ix_poll_event_id_number", "event_id", "number", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int | None = Field(default=None, foreign_key="event.id", ondelete="CASCADE")
    # The number people see and type (`/closepoll N`), counted per event.
    number: int
    question: str = Field(max_length=300)
    secret: bool = True
    closed: bool = False
    created_by: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    created_at: datetime


class PollOption(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="poll.id", index=True, ondelete="CASCADE")
    position: int
    text: str = Field(max_length=100)
    anonymous_answers: int = 0


class PollAnswer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("poll_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="poll.id", index=True, ondelete="CASCADE")
    option_id: int = Field(foreign_key="polloption.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    answered_at: datetime


class DialogState(SQLModel, table=True):
    """Where a person is in a guided dialog, so a restart loses nothing."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True, ondelete="CASCADE")
    name: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class MessageRef(SQLModel, table=True):
    """A platform message the bot sent, and what it shows (e.g. a proposal)."""

    __table_args__ = (UniqueConstraint("platform", "chat_id", "message_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=255)
    message_id: str = Field(max_length=255)
    person_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="CASCADE"
    )
    kind: str = Field(max_length=32)
    object_id: int | None = None
    created_at: datetime


class InboxEvent(SQLModel, table=True):
    """A platform event seen once: the key of exactly-once handling across crashes.

    Adapters may store the raw event (`payload`) before confirming it to the platform
    and handle it afterwards; the use case marks it handled in its own transaction.
    """

    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=255)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    received_at: datetime
    handled_at: datetime | None = None


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


class OutboxMessage(SQLModel, table=True):
    """A message to deliver, written in the same transaction as what caused it."""

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16, index=True)
    # Either a chat, or a person's platform account whose direct chat is found at send time.
    chat_id: str | None = Field(default=None, max_length=255)
    recipient_user_id: str | None = Field(default=None, max_length=255)
    person_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="CASCADE"
    )
    # Replies go before announcements, so a long announcement never delays an answer.
    priority: int = 0
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    attachment: bytes | None = None
    status: DeliveryStatus = Field(default=DeliveryStatus.PENDING, index=True)
    attempts: int = 0
    # The bot process sending it (while SENDING), to tell a live one from a dead one.
    claimed_by: str | None = Field(default=None, max_length=32)
    not_before: datetime | None = None
    batch: str | None = Field(default=None, max_length=64, index=True)
    created_at: datetime
    sent_at: datetime | None = None
    platform_message_id: str | None = Field(default=None, max_length=255)
    error: str | None = Field(default=None, max_length=300)


class LinkedChat(SQLModel, table=True):
    """A group chat or room linked to an event, so announcements go there too."""

    __table_args__ = (UniqueConstraint("platform", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=255)
    linked_at: datetime


class EventLink(SQLModel, table=True):
    """A youth council and a BarCamp that belong together (`/linkcamp`): the camp's people
    can be invited into the council, next year's camp is made from it. A camp belongs
    to one council at most; a council may have a camp every year."""

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    camp_id: int = Field(foreign_key="event.id", unique=True, ondelete="CASCADE")
    linked_at: datetime


class ChannelState(SQLModel, table=True):
    """Small per-adapter state kept in the store, e.g. Matrix's next_batch token."""

    __table_args__ = (UniqueConstraint("platform", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    key: str = Field(max_length=64)
    value: str = Field(default="", max_length=4096)
    updated_at: datetime


class ScheduledKind(enum.StrEnum):
    ANNOUNCEMENT = "announcement"
    VOTING_CLOSE = "voting_close"
    REMINDER = "reminder"
    VOTE_REMINDER = "vote_reminder"
    QUEUE_NOTICE = "queue_notice"
    # A council's date poll: the one reminder to members who have not answered, the deadline.
    DATE_REMINDER = "date_reminder"
    DATE_CLOSE = "date_close"
    # A council meeting's reminder (SQLite sized the column to VOTE_REMINDER's 13 letters).
    MEETING_ALERT = "meeting_alert"


class ScheduledItem(SQLModel, table=True):
    """Work due at a time: a scheduled announcement, a deadline, a slot's reminder.

    The store is the truth: the scheduler rebuilds its jobs from the pending items at
    start-up, and an item is marked done in the transaction that queues its messages.
    """

    __table_args__ = (UniqueConstraint("event_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    kind: ScheduledKind
    # Items that exist once per event (the voting deadline, a slot's reminder) have a key.
    key: str | None = Field(default=None, max_length=64)
    due_at: datetime = Field(index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    created_at: datetime
    done_at: datetime | None = Field(default=None, index=True)
    # "done", or "late" when it came too late for its messages to make sense.
    outcome: str | None = Field(default=None, max_length=16)
