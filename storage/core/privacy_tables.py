"""The core's tables for keeping the promises to minors: how long an event's personal
data stays (retention)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class EventRetention(SQLModel, table=True):
    """Where an event is on its way to being anonymised, a while after its last day.

    Each step is claimed once, in the transaction that does it: the organisers' notice,
    then the anonymisation itself.
    """

    event_id: int = Field(primary_key=True, foreign_key="event.id", ondelete="CASCADE")
    notified_at: datetime | None = None
    anonymised_at: datetime | None = None
