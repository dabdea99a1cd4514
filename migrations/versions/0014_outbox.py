"""The outbox, and safety alerts that reach people.

- ``outbox_message``: one row per message to send, written with the event that causes
  it. ``status`` and ``attempts`` have server defaults; ``dedupe_key`` is unique (NULLs
  allowed); one index serves the delivery run's search (status, next_attempt_at).
  ``link`` is encrypted text.
- ``user.backup_clinician`` (NOT NULL, server default false): the practice's backup
  clinicians, e-mailed when an alert is not acknowledged in time.
- ``safety_alert.team_notified_at``, ``escalated_at``, ``escalation_unreachable_at``
  (nullable): what reached whom. Alerts raised before this revision were never
  e-mailed; those still unacknowledged are escalated by the first ``send-outbox`` run
  once the practice has a backup clinician (until then they are marked unreachable and
  the care team sees them on the caseload as before).

Reviewed by hand.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-04 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_outbox_message_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_message_dedupe_key")),
    )
    op.create_index(op.f("ix_outbox_message_practice_id"), "outbox_message", ["practice_id"])
    op.create_index(
        op.f("ix_outbox_message_status_next_attempt_at"),
        "outbox_message",
        ["status", "next_attempt_at"],
    )
    with op.batch_alter_table("user") as batch:
        batch.add_column(
            sa.Column("backup_clinician", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("safety_alert") as batch:
        batch.add_column(sa.Column("team_notified_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("escalation_unreachable_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("safety_alert") as batch:
        batch.drop_column("escalation_unreachable_at")
        batch.drop_column("escalated_at")
        batch.drop_column("team_notified_at")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("backup_clinician")
    op.drop_index(op.f("ix_outbox_message_status_next_attempt_at"), table_name="outbox_message")
    op.drop_index(op.f("ix_outbox_message_practice_id"), table_name="outbox_message")
    op.drop_table("outbox_message")
