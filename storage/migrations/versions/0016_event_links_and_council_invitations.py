"""event links and council invitations: a council's camps, and whom of them it invited

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 21:30:00.000000

New tables only: `eventlink` (a council and a camp that belong together) and
`councilinvitation` (a camp's person invited into the council, once).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eventlink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("camp_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["camp_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["council_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("camp_id"),
    )
    op.create_index(op.f("ix_eventlink_council_id"), "eventlink", ["council_id"], unique=False)
    op.create_table(
        "councilinvitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("camp_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("declined_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["camp_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["council_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("council_id", "person_id"),
    )
    for column in ("camp_id", "council_id", "person_id"):
        op.create_index(
            op.f(f"ix_councilinvitation_{column}"), "councilinvitation", [column], unique=False
        )


def downgrade() -> None:
    for column in ("camp_id", "council_id", "person_id"):
        op.drop_index(op.f(f"ix_councilinvitation_{column}"), table_name="councilinvitation")
    op.drop_table("councilinvitation")
    op.drop_index(op.f("ix_eventlink_council_id"), table_name="eventlink")
    op.drop_table("eventlink")
