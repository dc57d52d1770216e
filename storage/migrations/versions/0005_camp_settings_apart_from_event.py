"""camp settings apart from the event: the event keeps what every kind of event has

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 19:42:21.000000

Every BarCamp gets its row with the values it had. A council has no camp settings: it
gets a row only if BarCamp commands were used on it and changed a value (otherwise the
bot gives it the defaults when a BarCamp command asks, as the event's columns did), so
nothing is lost and nothing invented. The downgrade puts the values back; events without
a row get the defaults.

On SQLite the columns are dropped and added with ALTER TABLE (3.35 or newer), not by
copying the table: with foreign keys enforced, dropping the old `event` table would
cascade to everything that belongs to an event.
"""

import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVED = (
    "vote_budget",
    "voting_open",
    "show_counts",
    "agenda_published_at",
    "reminder_minutes",
    "vote_reminder_minutes",
)
NOT_DEFAULT = (
    "vote_budget <> 5 OR NOT voting_open OR NOT show_counts"
    " OR agenda_published_at IS NOT NULL OR reminder_minutes <> 10"
    " OR vote_reminder_minutes <> 60"
)


def upgrade() -> None:
    _check_sqlite()
    op.create_table(
        "campsettings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("vote_budget", sa.Integer(), nullable=False),
        sa.Column("voting_open", sa.Boolean(), nullable=False),
        sa.Column("show_counts", sa.Boolean(), nullable=False),
        sa.Column("agenda_published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("reminder_minutes", sa.Integer(), nullable=False),
        sa.Column("vote_reminder_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    columns = ", ".join(MOVED)
    op.execute(
        f"INSERT INTO campsettings (event_id, {columns}) SELECT id, {columns} FROM event"
        f" WHERE kind = 'BARCAMP' OR {NOT_DEFAULT}"
    )
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        for column in MOVED:
            batch_op.drop_column(column)


def downgrade() -> None:
    _check_sqlite()
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        # Defaults as text, which SQLite adds in place (an expression would copy the table).
        batch_op.add_column(
            sa.Column("vote_budget", sa.Integer(), nullable=False, server_default="5")
        )
        batch_op.add_column(
            sa.Column("voting_open", sa.Boolean(), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column("show_counts", sa.Boolean(), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column("agenda_published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reminder_minutes", sa.Integer(), nullable=False, server_default="10")
        )
        batch_op.add_column(
            sa.Column("vote_reminder_minutes", sa.Integer(), nullable=False, server_default="60")
        )
    values = ", ".join(
        f"{column} = (SELECT s.{column} FROM campsettings s WHERE s.event_id = event.id)"
        for column in MOVED
    )
    op.execute(f"UPDATE event SET {values} WHERE id IN (SELECT event_id FROM campsettings)")
    op.drop_table("campsettings")


def _check_sqlite() -> None:
    if op.get_bind().dialect.name == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        raise RuntimeError(f"SQLite 3.35 or newer is needed, this is {sqlite3.sqlite_version}")
