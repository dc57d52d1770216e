"""identity link codes: /link's one-time codes (hashed) and the wrong codes tried

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:00:00.000000

Two new tables beside `person` (nothing existing is copied or altered).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linkcode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["identity_id"], ["identity.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_linkcode_person_id", "linkcode", ["person_id"], unique=False)
    op.create_index("ix_linkcode_expires_at", "linkcode", ["expires_at"], unique=False)
    op.create_table(
        "linkattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_linkattempt_person_id", "linkattempt", ["person_id"], unique=False)
    op.create_index("ix_linkattempt_attempted_at", "linkattempt", ["attempted_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_linkattempt_attempted_at", table_name="linkattempt")
    op.drop_index("ix_linkattempt_person_id", table_name="linkattempt")
    op.drop_table("linkattempt")
    op.drop_index("ix_linkcode_expires_at", table_name="linkcode")
    op.drop_index("ix_linkcode_person_id", table_name="linkcode")
    op.drop_table("linkcode")
