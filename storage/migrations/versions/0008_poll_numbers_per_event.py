"""poll numbers per event: people see and type "poll 2 of my camp", not a global id

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 20:30:00.000000

Existing polls are numbered 1, 2, … within their event, in the order they were created.
On SQLite the column and its index are added with ALTER TABLE and CREATE INDEX, not by
copying the table: with foreign keys enforced, dropping the old `poll` table would
cascade to its options and answers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_poll_event_id_number"


def upgrade() -> None:
    with op.batch_alter_table("poll", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE poll SET number = (SELECT count(*) FROM poll AS earlier"
        " WHERE earlier.event_id = poll.event_id AND earlier.id <= poll.id)"
        " WHERE event_id IS NOT NULL"
    )
    if op.get_bind().dialect.name == "postgresql":
        # New polls get their number from the repository; SQLite keeps the default, as
        # dropping it would copy the table.
        op.alter_column("poll", "number", server_default=None)
    op.create_index(INDEX, "poll", ["event_id", "number"], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="poll")
    with op.batch_alter_table("poll", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("number")
