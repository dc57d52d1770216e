"""scrub finished deliveries: what older versions kept of sent messages and handled events

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 21:15:00.000000

Since this version a finished message keeps only its ids, status and times and a handled
event only its key; the rows an older version finished before keep no more either (a
sent ballot answer said who voted for what). Rows still to be sent or handled keep what
they need. Data only: the downgrade has nothing to restore.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE outboxmessage SET payload = '{}', attachment = NULL, chat_id = NULL,"
        " recipient_user_id = NULL, person_id = NULL"
        " WHERE status IN ('SENT', 'SKIPPED', 'FAILED')"
    )
    op.execute("UPDATE inboxevent SET payload = NULL WHERE handled_at IS NOT NULL")


def downgrade() -> None:
    pass
