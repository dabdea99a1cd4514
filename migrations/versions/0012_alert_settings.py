"""Practice settings for safety alerts: escalation time and the response time clients
are told to expect.

Reviewed by hand: two NOT NULL integers with server defaults (120 minutes, 24 hours).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:05:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("practice") as batch:
        batch.add_column(
            sa.Column(
                "alert_escalation_minutes", sa.Integer(), nullable=False, server_default="120"
            )
        )
        batch.add_column(
            sa.Column("alert_response_hours", sa.Integer(), nullable=False, server_default="24")
        )


def downgrade():
    with op.batch_alter_table("practice") as batch:
        batch.drop_column("alert_response_hours")
        batch.drop_column("alert_escalation_minutes")
