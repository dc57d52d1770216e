"""guardian consent: an event may ask for it under 16; who waits for it, who has it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 21:00:00.000000

Two new tables beside `event` (nothing existing is copied or altered): events without a
row do not ask, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eventprivacy",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("guardian_consent", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "guardianconsent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("requested_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "number"),
        sa.UniqueConstraint("event_id", "person_id"),
    )
    with op.batch_alter_table("guardianconsent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guardianconsent_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_guardianconsent_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("guardianconsent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardianconsent_person_id"))
        batch_op.drop_index(batch_op.f("ix_guardianconsent_event_id"))
    op.drop_table("guardianconsent")
    op.drop_table("eventprivacy")
