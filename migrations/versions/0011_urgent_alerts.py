"""Safety alerts know whether they are urgent (C-SSRS high risk escalates at once).

Reviewed by hand: one NOT NULL boolean with a server default, so existing alerts
read as not urgent.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("safety_alert") as batch:
        batch.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("safety_alert") as batch:
        batch.drop_column("urgent")
