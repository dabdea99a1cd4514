"""Outcome measures: assignments, responses (item answers encrypted), safety alerts;
the practice's crisis resources. Reviewed by hand: portable types and defaults.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 16:05:24.540909
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "measure_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=10), nullable=False),
        sa.Column("schedule_kind", sa.String(length=20), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["user.id"], name=op.f("fk_measure_assignment_assigned_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_measure_assignment_client_id_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_assignment")),
    )
    op.create_index(op.f("ix_measure_assignment_client_id"), "measure_assignment", ["client_id"])

    op.create_table(
        "measure_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=10), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("extra_answer", sa.Integer(), nullable=True),
        sa.Column("total", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("severity", sa.String(length=30), nullable=True),
        sa.Column("flags", sa.String(length=200), server_default="", nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("by_client", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["measure_assignment.id"],
            name=op.f("fk_measure_response_assignment_id_measure_assignment"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_measure_response_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["user.id"], name=op.f("fk_measure_response_entered_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_response")),
    )
    op.create_index(op.f("ix_measure_response_client_id"), "measure_response", ["client_id"])
    op.create_index(op.f("ix_measure_response_completed_on"), "measure_response", ["completed_on"])
    op.create_index(op.f("ix_measure_response_instrument"), "measure_response", ["instrument"])

    op.create_table(
        "safety_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledgement_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["user.id"],
            name=op.f("fk_safety_alert_acknowledged_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_safety_alert_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["measure_response.id"],
            name=op.f("fk_safety_alert_response_id_measure_response"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_alert")),
    )
    op.create_index(op.f("ix_safety_alert_acknowledged_at"), "safety_alert", ["acknowledged_at"])
    op.create_index(op.f("ix_safety_alert_client_id"), "safety_alert", ["client_id"])

    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("crisis_resources", sa.Text(), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.drop_column("crisis_resources")

    op.drop_index(op.f("ix_safety_alert_client_id"), table_name="safety_alert")
    op.drop_index(op.f("ix_safety_alert_acknowledged_at"), table_name="safety_alert")

    op.drop_table("safety_alert")
    op.drop_index(op.f("ix_measure_response_instrument"), table_name="measure_response")
    op.drop_index(op.f("ix_measure_response_completed_on"), table_name="measure_response")
    op.drop_index(op.f("ix_measure_response_client_id"), table_name="measure_response")

    op.drop_table("measure_response")
    op.drop_index(op.f("ix_measure_assignment_client_id"), table_name="measure_assignment")

    op.drop_table("measure_assignment")
