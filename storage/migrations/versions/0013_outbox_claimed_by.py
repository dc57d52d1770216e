"""outbox claimed by: which bot process is sending a message

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:00:00.000000

Several bot processes share one store. A message being sent names the process that
claimed it, so the others can tell a live process's sends from those of a process that
died in the middle of one (whose messages are then taken over, see bot/outbox.py).
A nullable column, added in place; rows claimed before it stay without a claimant and
count as interrupted, as they did.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outboxmessage", sa.Column("claimed_by", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("outboxmessage", "claimed_by")
