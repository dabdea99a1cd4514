"""Client reminders (issue 12, section 5): each client's choice of e-mail reminders.

One row per client, written when the client first saves the portal's reminder page:
on or off (off by default: reminders are opt-in), the local time, the IANA time zone,
quiet hours (local times, possibly across midnight) and the local day of the last
reminder written to the outbox.

Reviewed by hand: a new table, so no existing rows; the NOT NULL columns still carry
server defaults matching the model (18:00, quiet 21:00-08:00, UTC, off).

Revision ID: 0017
Revises: 0012
Create Date: 2026-12-04 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reminder_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("send_at", sa.Time(), nullable=False, server_default="18:00:00"),
        sa.Column("timezone", sa.String(length=64), nullable=False, server_default="UTC"),
        sa.Column("quiet_start", sa.Time(), nullable=False, server_default="21:00:00"),
        sa.Column("quiet_end", sa.Time(), nullable=False, server_default="08:00:00"),
        sa.Column("last_sent_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_reminder_preference_client_id_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_preference")),
        sa.UniqueConstraint("client_id", name=op.f("uq_reminder_preference_client_id")),
    )


def downgrade():
    op.drop_table("reminder_preference")
