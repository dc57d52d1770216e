"""The core's tables for keeping the promises to minors: how long an event's personal
data stays (retention), and a guardian's consent for those under 16."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class EventRetention(SQLModel, table=True):
    """Where an event is on its way to being anonymised, a while after its last day.

    Each step is claimed once, in the transaction that does it: the organisers' notice,
    then the anonymisation itself.
    """

    event_id: int = Field(primary_key=True, foreign_key="event.id", ondelete="CASCADE")
    notified_at: datetime | None = None
    anonymised_at: datetime | None = None


class EventPrivacy(SQLModel, table=True):
    """An event's own privacy rules, whatever its kind (a row only where one was set)."""

    event_id: int = Field(primary_key=True, foreign_key="event.id", ondelete="CASCADE")
    # GDPR Art. 8: under 16 (in Germany) a parent or guardian has to agree.
    guardian_consent: bool = False


class GuardianConsent(SQLModel, table=True):
    """Someone under 16 in an event that asks: waiting for a guardian's consent, or with
    it. Only this fact is kept, never an age or a birth date."""

    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        UniqueConstraint("event_id", "number"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    # What the organisers type in `/guardian N ok`, counted per event.
    number: int
    requested_at: datetime
    confirmed_at: datetime | None = None
