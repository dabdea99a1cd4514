"""Sessions planned ahead (their own table: a plan is not a note) and each person's
secret calendar feed of them (only a SHA-256 hash of the secret is stored).

Reviewed by hand: two new tables, no change to existing ones; every column of a new
table is filled by the app, so no server defaults are needed.

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-03 16:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "planned_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("modality", sa.String(length=20), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("setting", sa.String(length=30), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_planned_session_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"], ["user.id"], name=op.f("fk_planned_session_therapist_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["therapy_session.id"],
            name=op.f("fk_planned_session_session_id_therapy_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_session")),
        sa.UniqueConstraint("session_id", name=op.f("uq_planned_session_session_id")),
    )
    op.create_index(op.f("ix_planned_session_client_id"), "planned_session", ["client_id"])
    op.create_index(op.f("ix_planned_session_therapist_id"), "planned_session", ["therapist_id"])
    op.create_index(op.f("ix_planned_session_starts_at"), "planned_session", ["starts_at"])

    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_calendar_feed_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_calendar_feed_secret_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feed_user_id")),
    )


def downgrade():
    op.drop_table("calendar_feed")
    op.drop_index(op.f("ix_planned_session_starts_at"), table_name="planned_session")
    op.drop_index(op.f("ix_planned_session_therapist_id"), table_name="planned_session")
    op.drop_index(op.f("ix_planned_session_client_id"), table_name="planned_session")
    op.drop_table("planned_session")
