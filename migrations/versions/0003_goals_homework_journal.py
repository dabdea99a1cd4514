"""Integration goals and ratings, the homework library, assignments and completions,
the client journal. Reviewed by hand: portable types, boolean defaults for PostgreSQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 15:39:04.784047
"""

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "homework_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("summary", sa.String(length=300), server_default="", nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column(
            "suggested_recurrence", sa.String(length=10), server_default="once", nullable=False
        ),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_homework_template_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_homework_template_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_homework_template")),
    )
    op.create_index(op.f("ix_homework_template_practice_id"), "homework_template", ["practice_id"])

    op.create_table(
        "integration_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(length=30), nullable=False),
        sa.Column("why_it_matters", sa.Text(), nullable=True),
        sa.Column("baseline", sa.Integer(), nullable=True),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.Column("measure_code", sa.String(length=20), nullable=True),
        sa.Column("measure_comparison", sa.String(length=20), nullable=True),
        sa.Column("measure_value", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("status_since", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_integration_goal_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_integration_goal_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_goal")),
    )
    op.create_index(op.f("ix_integration_goal_client_id"), "integration_goal", ["client_id"])

    op.create_table(
        "journal_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=10), server_default="private", nullable=False),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_journal_entry_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_journal_entry_client_id_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
    )
    op.create_index(op.f("ix_journal_entry_author_id"), "journal_entry", ["author_id"])
    op.create_index(op.f("ix_journal_entry_client_id"), "journal_entry", ["client_id"])

    op.create_table(
        "goal_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=False),
        sa.Column("by_client", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["integration_goal.id"],
            name=op.f("fk_goal_rating_goal_id_integration_goal"),
        ),
        sa.ForeignKeyConstraint(
            ["rated_by_id"], ["user.id"], name=op.f("fk_goal_rating_rated_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["therapy_session.id"],
            name=op.f("fk_goal_rating_session_id_therapy_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_rating")),
    )
    op.create_index(op.f("ix_goal_rating_goal_id"), "goal_rating", ["goal_id"])
    op.create_index(op.f("ix_goal_rating_session_id"), "goal_rating", ["session_id"])

    op.create_table(
        "homework_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column("recurrence", sa.String(length=10), nullable=False),
        sa.Column("weekdays", sa.String(length=20), server_default="", nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="active", nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["user.id"], name=op.f("fk_homework_assignment_assigned_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_homework_assignment_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["integration_goal.id"],
            name=op.f("fk_homework_assignment_goal_id_integration_goal"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["homework_template.id"],
            name=op.f("fk_homework_assignment_template_id_homework_template"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_homework_assignment")),
    )
    op.create_index(op.f("ix_homework_assignment_client_id"), "homework_assignment", ["client_id"])
    op.create_index(op.f("ix_homework_assignment_goal_id"), "homework_assignment", ["goal_id"])

    op.create_table(
        "homework_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_date", sa.Date(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reflection", sa.Text(), nullable=True),
        sa.Column("reflection_shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["homework_assignment.id"],
            name=op.f("fk_homework_entry_assignment_id_homework_assignment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_homework_entry")),
        sa.UniqueConstraint(
            "assignment_id", "occurrence_date", name=op.f("uq_homework_entry_assignment_id")
        ),
    )
    op.create_index(op.f("ix_homework_entry_assignment_id"), "homework_entry", ["assignment_id"])


def downgrade():
    op.drop_index(op.f("ix_homework_entry_assignment_id"), table_name="homework_entry")

    op.drop_table("homework_entry")
    op.drop_index(op.f("ix_homework_assignment_goal_id"), table_name="homework_assignment")
    op.drop_index(op.f("ix_homework_assignment_client_id"), table_name="homework_assignment")

    op.drop_table("homework_assignment")
    op.drop_index(op.f("ix_goal_rating_session_id"), table_name="goal_rating")
    op.drop_index(op.f("ix_goal_rating_goal_id"), table_name="goal_rating")

    op.drop_table("goal_rating")
    op.drop_index(op.f("ix_journal_entry_client_id"), table_name="journal_entry")
    op.drop_index(op.f("ix_journal_entry_author_id"), table_name="journal_entry")

    op.drop_table("journal_entry")
    op.drop_index(op.f("ix_integration_goal_client_id"), table_name="integration_goal")

    op.drop_table("integration_goal")
    op.drop_index(op.f("ix_homework_template_practice_id"), table_name="homework_template")

    op.drop_table("homework_template")
