"""the live board: its change counter, the calendar's SEQUENCE and personal calendar links

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:00:00.000000

Columns added in place (SQLite: ALTER TABLE ADD COLUMN, never a re-created table, which
would cascade deletes), and one new table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campsettings", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("public_hosts", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("board_version", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("board_changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("proposal", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("calendar_sequence", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "calendarlink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "person_id"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_calendarlink_event_id", "calendarlink", ["event_id"])
    op.create_index("ix_calendarlink_person_id", "calendarlink", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_calendarlink_person_id", "calendarlink")
    op.drop_index("ix_calendarlink_event_id", "calendarlink")
    op.drop_table("calendarlink")
    with op.batch_alter_table("proposal", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("calendar_sequence")
    with op.batch_alter_table("campsettings", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("board_changed_at")
        batch_op.drop_column("board_version")
        batch_op.drop_column("public_hosts")
