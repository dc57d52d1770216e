"""event settings (reminder leads) and the vote reminder

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 13:39:26.418697
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = ("ANNOUNCEMENT", "VOTING_CLOSE", "REMINDER")
NEW_KINDS = (*OLD_KINDS, "VOTE_REMINDER")


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        # Existing events get the defaults the model has.
        batch_op.add_column(
            sa.Column("reminder_minutes", sa.Integer(), nullable=False, server_default="10")
        )
        batch_op.add_column(
            sa.Column("vote_reminder_minutes", sa.Integer(), nullable=False, server_default="60")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TYPE scheduledkind ADD VALUE IF NOT EXISTS 'VOTE_REMINDER'")
    else:  # SQLite keeps enums as VARCHAR sized to the longest name
        _change_kinds(OLD_KINDS, NEW_KINDS)


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("vote_reminder_minutes")
        batch_op.drop_column("reminder_minutes")
    if op.get_bind().dialect.name != "postgresql":  # PostgreSQL cannot drop an enum value
        op.execute("DELETE FROM scheduleditem WHERE kind = 'VOTE_REMINDER'")
        _change_kinds(NEW_KINDS, OLD_KINDS)


def _change_kinds(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    with op.batch_alter_table("scheduleditem", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.Enum(*old, name="scheduledkind"),
            type_=sa.Enum(*new, name="scheduledkind"),
            existing_nullable=False,
        )
