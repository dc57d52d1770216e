"""The core's tables for linking two platform accounts of one person: the one-time
codes of `/link` and the wrong codes tried, so guessing is limited."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class LinkCode(SQLModel, table=True):
    """A one-time code that joins the account which asked for it to another one.

    Only the code's hash is kept; a used or expired row stays a day (to answer "used" or
    "expired" rather than "wrong"), then it is pruned.
    """

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    # The account that asked: a code sent from that same account links nothing.
    identity_id: int = Field(foreign_key="identity.id", ondelete="CASCADE")
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime
    expires_at: datetime = Field(index=True)
    used_at: datetime | None = None


class LinkAttempt(SQLModel, table=True):
    """A wrong code someone sent (only when, never what), kept for the attempt window."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    attempted_at: datetime = Field(index=True)
