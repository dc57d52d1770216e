"""The BarCamp's tables: its settings, rooms, slots, proposals, votes and the grid's
assignments."""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import NaiveDatetime
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class ProposalStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    MERGED = "merged"


class CampSettings(SQLModel, table=True):
    """A camp's own settings, one row per BarCamp event (the event id is the key)."""

    event_id: int = Field(primary_key=True, foreign_key="event.id", ondelete="CASCADE")
    vote_budget: int = 5
    voting_open: bool = True
    show_counts: bool = True
    # None while the grid is a draft; once published the grid is live for everyone.
    agenda_published_at: datetime | None = None
    # Minutes before a session its people are reminded; 0 turns reminders off.
    reminder_minutes: int = 10
    # Minutes before the voting deadline members who have not voted are reminded; 0: off.
    vote_reminder_minutes: int = 60
    # The live board's pages show the hosts' display names (an organiser may turn it off).
    public_hosts: bool = True
    # Rises with every change the live board shows (publish, move, pin, re-plan): web
    # processes poll it to tell their open pages, and it makes the calendar's ETag.
    board_version: int = 0
    board_changed_at: datetime | None = None


class Room(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=40)
    capacity: int
    position: int = 0


class Slot(SQLModel, table=True):
    """A time slot; times are wall-clock times in the event's time zone."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    starts_at: NaiveDatetime
    ends_at: NaiveDatetime
    blocked: bool = False
    position: int = 0


class Proposal(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("event_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    # The short number people type in `/vote N`, counted per event.
    number: int
    title: str = Field(max_length=80)
    description: str = Field(default="", max_length=500)
    proposer_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="SET NULL"
    )
    status: ProposalStatus = Field(default=ProposalStatus.SUBMITTED)
    merged_into_id: int | None = Field(default=None, foreign_key="proposal.id")
    # Votes of people who used /forgetme: counted, no longer attributable.
    anonymous_votes: int = 0
    # The calendar's SEQUENCE: rises each time the session moves on the published agenda.
    calendar_sequence: int = 0
    created_at: datetime


class Vote(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("proposal_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    created_at: datetime


class Assignment(SQLModel, table=True):
    """A session's place in the grid (draft or, once the event publishes it, live)."""

    __table_args__ = (UniqueConstraint("slot_id", "room_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    proposal_id: int = Field(foreign_key="proposal.id", unique=True, ondelete="CASCADE")
    slot_id: int = Field(foreign_key="slot.id", ondelete="CASCADE")
    room_id: int = Field(foreign_key="room.id", ondelete="CASCADE")
    # Pinned sessions stay where they are in every re-plan (/pin, /move).
    pinned: bool = False


class CalendarLink(SQLModel, table=True):
    """A person's own calendar subscription (`/mine link`): an unguessable token per
    person and camp. Personal data: `/mydata` lists it, `/forgetme` and retention remove it."""

    __table_args__ = (UniqueConstraint("event_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    token: str = Field(max_length=64, unique=True)
    created_at: datetime
