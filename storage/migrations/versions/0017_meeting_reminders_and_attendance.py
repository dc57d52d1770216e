"""meeting reminders and attendance: who comes to which occurrence of a meeting

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 21:30:00.000000

A new table, and a new kind of scheduled item (a meeting's reminder). PostgreSQL keeps
the kinds as an enum type, which gets the value; SQLite keeps them as VARCHAR without a
check (sized to the longest name, VOTE_REMINDER, which MEETING_ALERT does not exceed),
so it needs nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TYPE scheduledkind ADD VALUE IF NOT EXISTS 'MEETING_ALERT'")
    op.create_table(
        "meetingattendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("coming", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "occurrence", "person_id"),
    )
    op.create_index(
        op.f("ix_meetingattendance_meeting_id"), "meetingattendance", ["meeting_id"], unique=False
    )
    op.create_index(
        op.f("ix_meetingattendance_person_id"), "meetingattendance", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_meetingattendance_person_id"), table_name="meetingattendance")
    op.drop_index(op.f("ix_meetingattendance_meeting_id"), table_name="meetingattendance")
    op.drop_table("meetingattendance")
    # PostgreSQL cannot drop an enum value; the items go, the value stays unused.
    op.execute("DELETE FROM scheduleditem WHERE kind = 'MEETING_ALERT'")
