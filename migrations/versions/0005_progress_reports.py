"""Progress reports: one row per generated PDF (content hash, who, when) and report
batches with their progress. Reviewed by hand: portable types and defaults.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 16:15:22.436145
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="queued", nullable=False),
        sa.Column("total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("backend", sa.String(length=10), server_default="thread", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user.id"], name=op.f("fk_report_batch_requested_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_batch")),
    )
    op.create_index(op.f("ix_report_batch_requested_by_id"), "report_batch", ["requested_by_id"])

    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("include_measures", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), server_default="0", nullable=False),
        sa.Column("size_bytes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("from_cache", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_report_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_report_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    op.create_index(op.f("ix_report_client_id"), "report", ["client_id"])
    op.create_index(op.f("ix_report_content_hash"), "report", ["content_hash"])


def downgrade():
    op.drop_index(op.f("ix_report_content_hash"), table_name="report")
    op.drop_index(op.f("ix_report_client_id"), table_name="report")

    op.drop_table("report")
    op.drop_index(op.f("ix_report_batch_requested_by_id"), table_name="report_batch")

    op.drop_table("report_batch")
