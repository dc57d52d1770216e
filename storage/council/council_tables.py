"""The youth council's tables: its settings, its meetings and its invitations.

A meeting is one-off or a series (an RFC 5545 RRULE); a moved or cancelled occurrence
of a series is a `MeetingChange` keyed by the occurrence's original start, as
RECURRENCE-ID and EXDATE are in a calendar. Times are wall-clock times in the
council's time zone, so a weekly 17:00 stays 17:00 across summer-time changes.
"""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class QuorumRule(enum.StrEnum):
    # More than half of the members (the default of most statutes).
    MAJORITY = "majority"
    # A fixed number of members.
    COUNT = "count"
    # At least this percentage of the members.
    PERCENT = "percent"


class CouncilSettings(SQLModel, table=True):
    """A council's own settings, one row per council event (the event id is the key)."""

    event_id: int = Field(primary_key=True, foreign_key="event.id", ondelete="CASCADE")
    quorum_rule: QuorumRule = QuorumRule.MAJORITY
    # Members for COUNT, percent for PERCENT; unused for MAJORITY.
    quorum_value: int = 0
    # Minutes before each meeting its members are reminded (an empty list: never).
    reminder_minutes: list[int] = Field(
        default_factory=lambda: [24 * 60, 60], sa_column=Column(JSON, nullable=False)
    )
    # The length of a meeting found by a date poll, unless the poll says otherwise.
    meeting_minutes: int = 90


class Meeting(SQLModel, table=True):
    """A one-off meeting or a series of them (`rrule` set)."""

    __table_args__ = (UniqueConstraint("event_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    # The number people type (`/meeting move N ...`), counted per council.
    number: int
    # The calendar's UID: stable across moves, so calendar apps update the entry.
    uid: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=80)
    # A room, an address or an online link.
    place: str = Field(default="", max_length=300)
    starts_at: NaiveDatetime
    duration_minutes: int = 90
    # RFC 5545 recurrence rule without the "RRULE:" prefix, e.g. "FREQ=WEEKLY;INTERVAL=2".
    rrule: str | None = Field(default=None, max_length=200)
    # Rises with every change, as the calendar's SEQUENCE.
    sequence: int = 0
    cancelled: bool = False
    created_at: datetime


class MeetingChange(SQLModel, table=True):
    """One occurrence of a series moved (`starts_at`) or cancelled."""

    __table_args__ = (UniqueConstraint("meeting_id", "original_start"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    original_start: NaiveDatetime
    starts_at: NaiveDatetime | None = None
    cancelled: bool = False
    sequence: int = 0


class CouncilInvitation(SQLModel, table=True):
    """A person of a linked camp invited into the council (`/invitecamp`), once.

    Personal: it says the person was at the camp and was asked. It goes with the person
    (/forgetme), with the council's or the camp's retention, and is in /mydata.
    """

    __table_args__ = (UniqueConstraint("council_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    # The camp they were invited from.
    camp_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    invited_at: datetime
    # "No, thanks" pressed; the invitation is not sent again.
    declined_at: datetime | None = None


class MeetingAttendance(SQLModel, table=True):
    """A member's answer to a meeting's reminder: coming or not, for one occurrence.

    Personal data: in /mydata, gone with /forgetme, and deleted with the council's other
    personal data when its retention is over.
    """

    __table_args__ = (UniqueConstraint("meeting_id", "occurrence", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    # The occurrence's position in its series (1 for a one-off meeting).
    occurrence: int
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    coming: bool
    answered_at: datetime
