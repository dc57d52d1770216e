"""event retention: when an event's personal data goes, each step claimed once

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 20:50:00.000000

A new table beside `event`; existing events get their row when the retention job first
reaches them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eventretention",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("notified_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("anonymised_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )


def downgrade() -> None:
    op.drop_table("eventretention")
