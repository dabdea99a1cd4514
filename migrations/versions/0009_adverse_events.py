"""Adverse events after ketamine: append-only records of a client's care, optionally
linked to one of the client's sessions. Reviewed by hand: triggers refuse UPDATE and
DELETE on SQLite and PostgreSQL alike, as for addenda (migration 0002).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "adverse_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("event_type", sa.String(length=30), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("onset_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action_taken", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("prescriber_informed", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_adverse_event_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_adverse_event_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["therapy_session.id"],
            name=op.f("fk_adverse_event_session_id_therapy_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_event")),
    )
    op.create_index(op.f("ix_adverse_event_client_id"), "adverse_event", ["client_id"])
    op.create_index(op.f("ix_adverse_event_session_id"), "adverse_event", ["session_id"])
    op.create_index(op.f("ix_adverse_event_onset_at"), "adverse_event", ["onset_at"])
    _create_triggers()


def _create_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # tracker_refuse_change() comes from migration 0001 (the audit trail).
        op.execute(
            "CREATE TRIGGER adverse_event_append_only BEFORE UPDATE OR DELETE ON adverse_event "
            "FOR EACH ROW EXECUTE FUNCTION tracker_refuse_change()"
        )
    elif dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER adverse_event_no_{verb.lower()} BEFORE {verb} ON adverse_event "
                "BEGIN SELECT RAISE(ABORT, 'adverse_event rows are append-only'); END"
            )


def _drop_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS adverse_event_append_only ON adverse_event")
    elif dialect == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS adverse_event_no_{verb}")


def downgrade():
    _drop_triggers()
    op.drop_index(op.f("ix_adverse_event_onset_at"), table_name="adverse_event")
    op.drop_index(op.f("ix_adverse_event_session_id"), table_name="adverse_event")
    op.drop_index(op.f("ix_adverse_event_client_id"), table_name="adverse_event")

    op.drop_table("adverse_event")
