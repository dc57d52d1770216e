"""council settings and meetings: the quorum, reminder times, meetings and their changes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 21:00:00.000000

New tables only, beside `event`: a council without a settings row gets the defaults.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "councilsettings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "quorum_rule",
            sa.Enum("MAJORITY", "COUNT", "PERCENT", name="quorumrule"),
            nullable=False,
        ),
        sa.Column("quorum_value", sa.Integer(), nullable=False),
        sa.Column("reminder_minutes", sa.JSON(), nullable=False),
        sa.Column("meeting_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("rrule", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "number"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index(op.f("ix_meeting_event_id"), "meeting", ["event_id"], unique=False)
    op.create_table(
        "meetingchange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("original_start", sa.DateTime(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "original_start"),
    )
    op.create_index(
        op.f("ix_meetingchange_meeting_id"), "meetingchange", ["meeting_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_meetingchange_meeting_id"), table_name="meetingchange")
    op.drop_table("meetingchange")
    op.drop_index(op.f("ix_meeting_event_id"), table_name="meeting")
    op.drop_table("meeting")
    op.drop_table("councilsettings")
    sa.Enum(name="quorumrule").drop(op.get_bind(), checkfirst=True)
