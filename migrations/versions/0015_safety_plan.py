"""The client's safety plan, one append-only row per saved version; and the country
whose crisis numbers a practice shows by default.

Reviewed by hand: the seven step texts are encrypted by the app (plain TEXT here);
(client_id, version) is unique, which refuses the second of two saves made from the
same version; triggers refuse UPDATE and DELETE on SQLite and PostgreSQL alike, as for
adverse events (migration 0009). ``practice.crisis_country`` is NOT NULL with the
server default "" (no country: the neutral wording without numbers).

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-04 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

STEPS = (
    "warning_signs",
    "internal_coping",
    "distractions",
    "help_contacts",
    "professionals",
    "safe_environment",
    "reasons_for_living",
)


def upgrade():
    op.create_table(
        "safety_plan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *(sa.Column(step, sa.Text(), nullable=True) for step in STEPS),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_safety_plan_version_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_safety_plan_version_created_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_plan_version")),
        sa.UniqueConstraint("client_id", "version", name=op.f("uq_safety_plan_version_client_id")),
    )
    op.create_index(op.f("ix_safety_plan_version_client_id"), "safety_plan_version", ["client_id"])
    _create_triggers()
    with op.batch_alter_table("practice") as batch:
        batch.add_column(
            sa.Column("crisis_country", sa.String(length=2), nullable=False, server_default="")
        )


def _create_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # tracker_refuse_change() comes from migration 0001 (the audit trail).
        op.execute(
            "CREATE TRIGGER safety_plan_version_append_only BEFORE UPDATE OR DELETE "
            "ON safety_plan_version FOR EACH ROW EXECUTE FUNCTION tracker_refuse_change()"
        )
    elif dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER safety_plan_version_no_{verb.lower()} BEFORE {verb} "
                "ON safety_plan_version "
                "BEGIN SELECT RAISE(ABORT, 'safety_plan_version rows are append-only'); END"
            )


def _drop_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS safety_plan_version_append_only ON safety_plan_version")
    elif dialect == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS safety_plan_version_no_{verb}")


def downgrade():
    with op.batch_alter_table("practice") as batch:
        batch.drop_column("crisis_country")
    _drop_triggers()
    op.drop_index(op.f("ix_safety_plan_version_client_id"), table_name="safety_plan_version")
    op.drop_table("safety_plan_version")
