"""council date polls: a date poll's settings beside its poll, members' yes/maybe/no

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:30:00.000000

New tables only, and two kinds of scheduled item (the reminder to members who have not
answered, the deadline). PostgreSQL keeps the kinds as an enum type, which gets the
values; SQLite keeps them as VARCHAR without a check, and the new names are no longer
than VOTE_REMINDER, so it needs nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_KINDS = ("DATE_REMINDER", "DATE_CLOSE")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for kind in NEW_KINDS:
            op.execute(f"ALTER TYPE scheduledkind ADD VALUE IF NOT EXISTS '{kind}'")
    op.create_table(
        "datepoll",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("deadline", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("proposed_option_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposed_option_id"], ["polloption.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("poll_id"),
    )
    op.create_index(op.f("ix_datepoll_event_id"), "datepoll", ["event_id"], unique=False)
    op.create_table(
        "dateanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Enum("YES", "MAYBE", "NO", name="dateanswerkind"), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["option_id"], ["polloption.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("option_id", "person_id"),
    )
    op.create_index(op.f("ix_dateanswer_person_id"), "dateanswer", ["person_id"], unique=False)
    op.create_index(op.f("ix_dateanswer_poll_id"), "dateanswer", ["poll_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_dateanswer_poll_id"), table_name="dateanswer")
    op.drop_index(op.f("ix_dateanswer_person_id"), table_name="dateanswer")
    op.drop_table("dateanswer")
    op.drop_index(op.f("ix_datepoll_event_id"), table_name="datepoll")
    op.drop_table("datepoll")
    sa.Enum(name="dateanswerkind").drop(op.get_bind(), checkfirst=True)
    # PostgreSQL cannot drop an enum value; the items go, the values stay unused.
    op.execute("DELETE FROM scheduleditem WHERE kind IN ('DATE_REMINDER', 'DATE_CLOSE')")
