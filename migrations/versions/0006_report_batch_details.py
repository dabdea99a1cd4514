"""Report batches: how many clients failed, whether each client's period is their
course to date, and the random key that names the stored (encrypted) ZIP. Reviewed by
hand: portable types and server defaults for the NOT NULL columns.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 16:40:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_batch") as batch_op:
        batch_op.add_column(sa.Column("failed", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("whole_course", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("file_key", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("report_batch") as batch_op:
        batch_op.drop_column("file_key")
        batch_op.drop_column("whole_course")
        batch_op.drop_column("failed")
