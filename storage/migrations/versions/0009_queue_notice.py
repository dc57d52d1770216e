"""the queue notice: staff hear, batched, that proposals wait for moderation

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:50:00.000000

A new kind of scheduled item. PostgreSQL keeps the kinds as an enum type, which gets the
value; SQLite keeps them as VARCHAR without a check (sized to the longest name,
VOTE_REMINDER, which QUEUE_NOTICE does not exceed), so it needs nothing.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TYPE scheduledkind ADD VALUE IF NOT EXISTS 'QUEUE_NOTICE'")


def downgrade() -> None:
    # PostgreSQL cannot drop an enum value; the items go, the value stays unused.
    op.execute("DELETE FROM scheduleditem WHERE kind = 'QUEUE_NOTICE'")
