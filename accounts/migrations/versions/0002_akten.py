"""Akten, their Vorgänge, the append-only filing and lifecycle events, retention ends.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = {
    "filings": "filings ist unveraenderlich (Korrektur durch neue Ablage)",
    "akte_events": "akte_events ist unveraenderlich (nur Anfuegen)",
}


def upgrade() -> None:
    op.create_table(
        "akten",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("aktenzeichen", sa.String(80), nullable=False, unique=True),
        sa.Column("position", sa.String(40), nullable=False, index=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("department", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.Column("retention_until", sa.Date),
        sa.Column("appraisal", sa.String(1), nullable=False),
        sa.Column("restricted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("archive_decision", sa.String(1)),
        sa.Column("process_id", sa.String(36)),
        sa.Column("transferred_on", sa.Date),
        sa.UniqueConstraint("position", "year", "number", name="uq_akten_position_year_number"),
    )
    op.create_table(
        "vorgaenge",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("akte_id", sa.Integer, sa.ForeignKey("akten.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.UniqueConstraint("akte_id", "number", name="uq_vorgaenge_akte_number"),
    )
    op.create_table(
        "filings",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False, index=True),
        sa.Column("akte_id", sa.Integer, sa.ForeignKey("akten.id"), nullable=False, index=True),
        sa.Column("vorgang_id", sa.Integer, sa.ForeignKey("vorgaenge.id")),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("how", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "akte_events",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("akte_id", sa.Integer, sa.ForeignKey("akten.id"), nullable=False, index=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
    )
    op.create_table(
        "retention",
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("akte_id", sa.Integer, sa.ForeignKey("akten.id"), nullable=False, index=True),
        sa.Column("retain_until", sa.Date, nullable=False),
    )
    for table, message in APPEND_ONLY.items():
        _append_only(table, message)


def _append_only(table: str, message: str) -> None:
    """The database refuses to change or delete a filing: a wrong one is corrected by
    a new filing, so the history of where a Dokument was stays complete."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def downgrade() -> None:
    for table in ("retention", "akte_events", "filings", "vorgaenge", "akten"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
