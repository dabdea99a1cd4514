"""Session documentation: sessions and notes, ketamine administrations, vitals,
brainspots, addenda; the practice's time zone.

Reviewed by hand: portable types; triggers make a signed session and its parts
immutable and addenda append-only, on SQLite and PostgreSQL alike.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 15:32:34.884336
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "therapy_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("modality", sa.String(length=20), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("setting", sa.String(length=30), nullable=False),
        sa.Column("intention", sa.Text(), nullable=True),
        sa.Column("note_format", sa.String(length=10), nullable=False),
        sa.Column("note_body", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("suicide_screen", sa.String(length=20), nullable=False),
        sa.Column("risk_follow_up", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="draft", nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_therapy_session_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["user.id"], name=op.f("fk_therapy_session_signed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"], ["user.id"], name=op.f("fk_therapy_session_therapist_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_therapy_session")),
    )
    op.create_index(op.f("ix_therapy_session_client_id"), "therapy_session", ["client_id"])
    op.create_index(op.f("ix_therapy_session_starts_at"), "therapy_session", ["starts_at"])
    op.create_index(op.f("ix_therapy_session_therapist_id"), "therapy_session", ["therapist_id"])

    op.create_table(
        "addendum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_addendum_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["therapy_session.id"],
            name=op.f("fk_addendum_session_id_therapy_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addendum")),
    )
    op.create_index(op.f("ix_addendum_session_id"), "addendum", ["session_id"])

    op.create_table(
        "brainspot_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("issue", sa.Text(), nullable=True),
        sa.Column("spot_type", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("eye", sa.String(length=10), nullable=False),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.Column("z", sa.String(length=10), nullable=True),
        sa.Column("reflexes", sa.Text(), nullable=True),
        sa.Column("suds_start", sa.Integer(), nullable=True),
        sa.Column("suds_end", sa.Integer(), nullable=True),
        sa.Column("body_location", sa.Text(), nullable=True),
        sa.Column("biolateral_sound", sa.String(length=120), server_default="", nullable=False),
        sa.Column("minutes_since_dose", sa.Integer(), nullable=True),
        sa.Column("earlier_spot_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["earlier_spot_id"],
            ["brainspot_record.id"],
            name=op.f("fk_brainspot_record_earlier_spot_id_brainspot_record"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_brainspot_record_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["therapy_session.id"],
            name=op.f("fk_brainspot_record_session_id_therapy_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brainspot_record")),
    )
    op.create_index(op.f("ix_brainspot_record_session_id"), "brainspot_record", ["session_id"])

    op.create_table(
        "ketamine_administration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("route", sa.String(length=20), nullable=False),
        sa.Column("dose_mg", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("weight_kg", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("mg_per_kg", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lot_number", sa.String(length=60), server_default="", nullable=False),
        sa.Column("prescriber", sa.String(length=200), server_default="", nullable=False),
        sa.Column("adjuncts", sa.Text(), nullable=True),
        sa.Column("sitter", sa.String(length=200), server_default="", nullable=False),
        sa.Column("unusual_confirmed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("unusual_reason", sa.Text(), nullable=True),
        sa.Column("hold_override_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_ketamine_administration_recorded_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["therapy_session.id"],
            name=op.f("fk_ketamine_administration_session_id_therapy_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ketamine_administration")),
    )
    op.create_index(
        op.f("ix_ketamine_administration_session_id"), "ketamine_administration", ["session_id"]
    )

    op.create_table(
        "vital_sign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("systolic", sa.Integer(), nullable=True),
        sa.Column("diastolic", sa.Integer(), nullable=True),
        sa.Column("heart_rate", sa.Integer(), nullable=True),
        sa.Column("spo2", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_vital_sign_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["therapy_session.id"],
            name=op.f("fk_vital_sign_session_id_therapy_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vital_sign")),
    )
    op.create_index(op.f("ix_vital_sign_session_id"), "vital_sign", ["session_id"])

    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False)
        )

    _create_triggers()


CHILD_TABLES = ("ketamine_administration", "vital_sign", "brainspot_record")

PG_SIGNED_SESSION_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_refuse_signed_session_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'a signed session cannot change' USING ERRCODE = 'raise_exception';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
"""

PG_SIGNED_CHILD_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_refuse_signed_child_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF EXISTS (SELECT 1 FROM therapy_session s WHERE s.id = OLD.session_id AND s.status = 'signed') THEN
            RAISE EXCEPTION 'a signed session cannot change' USING ERRCODE = 'raise_exception';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF EXISTS (SELECT 1 FROM therapy_session s WHERE s.id = NEW.session_id AND s.status = 'signed') THEN
            RAISE EXCEPTION 'a signed session cannot change' USING ERRCODE = 'raise_exception';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
"""


def _sqlite_signed(table_alias_column):
    return f"(SELECT status FROM therapy_session WHERE id = {table_alias_column}) = 'signed'"


def _create_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_SIGNED_SESSION_FUNCTION)
        op.execute(PG_SIGNED_CHILD_FUNCTION)
        op.execute(
            "CREATE TRIGGER therapy_session_signed_immutable BEFORE UPDATE OR DELETE "
            "ON therapy_session FOR EACH ROW EXECUTE FUNCTION tracker_refuse_signed_session_change()"
        )
        for table in CHILD_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_signed_immutable BEFORE INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION tracker_refuse_signed_child_change()"
            )
        # tracker_refuse_change() comes from migration 0001 (the audit trail).
        op.execute(
            "CREATE TRIGGER addendum_append_only BEFORE UPDATE OR DELETE ON addendum "
            "FOR EACH ROW EXECUTE FUNCTION tracker_refuse_change()"
        )
    elif dialect == "sqlite":
        abort = "SELECT RAISE(ABORT, 'a signed session cannot change')"
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER therapy_session_signed_no_{verb.lower()} BEFORE {verb} "
                f"ON therapy_session WHEN OLD.status = 'signed' BEGIN {abort}; END"
            )
        for table in CHILD_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_signed_no_insert BEFORE INSERT ON {table} "
                f"WHEN {_sqlite_signed('NEW.session_id')} BEGIN {abort}; END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_signed_no_update BEFORE UPDATE ON {table} "
                f"WHEN {_sqlite_signed('OLD.session_id')} OR {_sqlite_signed('NEW.session_id')} "
                f"BEGIN {abort}; END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_signed_no_delete BEFORE DELETE ON {table} "
                f"WHEN {_sqlite_signed('OLD.session_id')} BEGIN {abort}; END"
            )
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER addendum_no_{verb.lower()} BEFORE {verb} ON addendum "
                "BEGIN SELECT RAISE(ABORT, 'addendum rows are append-only'); END"
            )


def _drop_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS addendum_append_only ON addendum")
        for table in CHILD_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_signed_immutable ON {table}")
        op.execute("DROP TRIGGER IF EXISTS therapy_session_signed_immutable ON therapy_session")
        op.execute("DROP FUNCTION IF EXISTS tracker_refuse_signed_child_change()")
        op.execute("DROP FUNCTION IF EXISTS tracker_refuse_signed_session_change()")
    elif dialect == "sqlite":
        names = [f"therapy_session_signed_no_{v}" for v in ("update", "delete")]
        names += [
            f"{t}_signed_no_{v}" for t in CHILD_TABLES for v in ("insert", "update", "delete")
        ]
        names += [f"addendum_no_{v}" for v in ("update", "delete")]
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def downgrade():
    _drop_triggers()
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.drop_column("timezone")

    op.drop_index(op.f("ix_vital_sign_session_id"), table_name="vital_sign")

    op.drop_table("vital_sign")
    op.drop_index(
        op.f("ix_ketamine_administration_session_id"), table_name="ketamine_administration"
    )

    op.drop_table("ketamine_administration")
    op.drop_index(op.f("ix_brainspot_record_session_id"), table_name="brainspot_record")

    op.drop_table("brainspot_record")
    op.drop_index(op.f("ix_addendum_session_id"), table_name="addendum")

    op.drop_table("addendum")
    op.drop_index(op.f("ix_therapy_session_therapist_id"), table_name="therapy_session")
    op.drop_index(op.f("ix_therapy_session_starts_at"), table_name="therapy_session")
    op.drop_index(op.f("ix_therapy_session_client_id"), table_name="therapy_session")

    op.drop_table("therapy_session")
