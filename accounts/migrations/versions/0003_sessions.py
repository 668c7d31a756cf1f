"""Browser sessions ended everywhere: logged-out session ids, and per user the time
before which every session is void (disable, new token, new password).

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_sessions",
        sa.Column("sid", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.Float, nullable=False, index=True),
    )
    op.add_column(
        "users", sa.Column("sessions_since", sa.Float, nullable=False, server_default="0")
    )


def downgrade() -> None:
    op.drop_column("users", "sessions_since")
    op.drop_table("revoked_sessions")
