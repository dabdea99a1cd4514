"""Medicine sessions run safely: practice settings for clearance, dose interval,
monitoring, observation and the pre-dose checklist; what a clearance rested on and
who asked for it; the session's ticked checklist; dose overrides (who, when, why, and
retrospective reasons) and the prescriber as a person; the discharge record.

Reviewed by hand: new NOT NULL columns carry server defaults; the discharge is a part
of its session, so the signed-session triggers of migration 0002 guard it too.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 11:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("clearance_valid_months", sa.Integer(), server_default="12", nullable=False)
        )
        batch_op.add_column(
            sa.Column("min_dose_interval_hours", sa.Integer(), server_default="24", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "monitoring_interval_minutes", sa.Integer(), server_default="15", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("min_observation_minutes", sa.Integer(), server_default="120", nullable=False)
        )
        batch_op.add_column(sa.Column("predose_checklist", sa.Text(), nullable=True))

    with op.batch_alter_table("medical_screening", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bp_systolic", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("bp_diastolic", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "medications_reviewed", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "contraindications_reviewed",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("clearance_requested_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("clearance_requested_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_medical_screening_clearance_requested_by_id_user"),
            "user",
            ["clearance_requested_by_id"],
            ["id"],
        )

    # therapy_session carries the signed-session triggers of migration 0002. On SQLite a
    # batch operation copies and renames the table (dropping its triggers); a plain ADD
    # COLUMN of a nullable column keeps them.
    op.add_column("therapy_session", sa.Column("checklist_done", sa.Text(), nullable=True))

    # New foreign keys need the batch copy on SQLite: the triggers of migration 0002 on
    # this table are dropped with the old table and created again below.
    with op.batch_alter_table("ketamine_administration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prescriber_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("override_findings", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("override_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("override_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("override_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("retro_findings", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("retro_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("retro_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("retro_at", sa.DateTime(timezone=True), nullable=True))
        for column in ADMINISTRATION_USER_COLUMNS:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_ketamine_administration_{column}_user"), "user", [column], ["id"]
            )
    _sqlite_signed_child_triggers("ketamine_administration")

    op.create_table(
        "session_discharge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("discharged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("oriented_and_steady", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("escort_or_transport", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("left_with", sa.Text(), nullable=True),
        sa.Column("unmet_findings", sa.String(length=300), server_default="", nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_session_discharge_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["therapy_session.id"],
            name=op.f("fk_session_discharge_session_id_therapy_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_discharge")),
        sa.UniqueConstraint("session_id", name=op.f("uq_session_discharge_session_id")),
    )
    _create_discharge_triggers()


ADMINISTRATION_USER_COLUMNS = ("prescriber_id", "override_by_id", "retro_by_id")


def _sqlite_signed_child_triggers(table):
    """The signed-session guard of migration 0002 on a part of a session (SQLite)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    abort = "SELECT RAISE(ABORT, 'a signed session cannot change')"

    def signed(column):
        return f"(SELECT status FROM therapy_session WHERE id = {column}) = 'signed'"

    for verb in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_signed_no_{verb}")
    op.execute(
        f"CREATE TRIGGER {table}_signed_no_insert BEFORE INSERT ON {table} "
        f"WHEN {signed('NEW.session_id')} BEGIN {abort}; END"
    )
    op.execute(
        f"CREATE TRIGGER {table}_signed_no_update BEFORE UPDATE ON {table} "
        f"WHEN {signed('OLD.session_id')} OR {signed('NEW.session_id')} BEGIN {abort}; END"
    )
    op.execute(
        f"CREATE TRIGGER {table}_signed_no_delete BEFORE DELETE ON {table} "
        f"WHEN {signed('OLD.session_id')} BEGIN {abort}; END"
    )


def _create_discharge_triggers():
    table = "session_discharge"
    if op.get_bind().dialect.name == "postgresql":
        # tracker_refuse_signed_child_change() comes from migration 0002.
        op.execute(
            f"CREATE TRIGGER {table}_signed_immutable BEFORE INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION tracker_refuse_signed_child_change()"
        )
    _sqlite_signed_child_triggers(table)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS session_discharge_signed_immutable ON session_discharge")
    op.drop_table("session_discharge")
    with op.batch_alter_table("ketamine_administration", schema=None) as batch_op:
        for column in ADMINISTRATION_USER_COLUMNS:
            batch_op.drop_constraint(
                batch_op.f(f"fk_ketamine_administration_{column}_user"), type_="foreignkey"
            )
        for column in (
            "retro_at",
            "retro_by_id",
            "retro_reason",
            "retro_findings",
            "override_at",
            "override_by_id",
            "override_reason",
            "override_findings",
            "prescriber_id",
        ):
            batch_op.drop_column(column)
    _sqlite_signed_child_triggers("ketamine_administration")
    op.drop_column("therapy_session", "checklist_done")
    with op.batch_alter_table("medical_screening", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_medical_screening_clearance_requested_by_id_user"), type_="foreignkey"
        )
        for column in (
            "clearance_requested_by_id",
            "clearance_requested_at",
            "contraindications_reviewed",
            "medications_reviewed",
            "bp_diastolic",
            "bp_systolic",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("practice", schema=None) as batch_op:
        for column in (
            "predose_checklist",
            "min_observation_minutes",
            "monitoring_interval_minutes",
            "min_dose_interval_hours",
            "clearance_valid_months",
        ):
            batch_op.drop_column(column)
