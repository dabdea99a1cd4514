"""A signed session "entered in error": its void (who, when, why), append-only.

Reviewed by hand: the therapy_session row is not touched (a signed session is
immutable); the void is its own row. Triggers refuse UPDATE and DELETE of a void,
and a void of a session that is not signed, on SQLite and PostgreSQL alike.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "session_void",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("voided_by_id", sa.Integer(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["therapy_session.id"],
            name=op.f("fk_session_void_session_id_therapy_session"),
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_id"], ["user.id"], name=op.f("fk_session_void_voided_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_void")),
        sa.UniqueConstraint("session_id", name=op.f("uq_session_void_session_id")),
    )
    _create_triggers()


PG_VOID_OF_SIGNED_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_refuse_void_of_draft() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM therapy_session s WHERE s.id = NEW.session_id AND s.status = 'signed') THEN
        RAISE EXCEPTION 'only a signed session can be entered in error' USING ERRCODE = 'raise_exception';
    END IF;
    RETURN NEW;
END
$$;
"""


def _create_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_VOID_OF_SIGNED_FUNCTION)
        op.execute(
            "CREATE TRIGGER session_void_signed_only BEFORE INSERT ON session_void "
            "FOR EACH ROW EXECUTE FUNCTION tracker_refuse_void_of_draft()"
        )
        # tracker_refuse_change() comes from migration 0001 (the audit trail).
        op.execute(
            "CREATE TRIGGER session_void_append_only BEFORE UPDATE OR DELETE ON session_void "
            "FOR EACH ROW EXECUTE FUNCTION tracker_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER session_void_no_truncate BEFORE TRUNCATE ON session_void "
            "FOR EACH STATEMENT EXECUTE FUNCTION tracker_refuse_change()"
        )
    elif dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER session_void_signed_only BEFORE INSERT ON session_void "
            "WHEN (SELECT status FROM therapy_session WHERE id = NEW.session_id) "
            "IS NOT 'signed' "
            "BEGIN SELECT RAISE(ABORT, 'only a signed session can be entered in error'); END"
        )
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER session_void_no_{verb.lower()} BEFORE {verb} ON session_void "
                "BEGIN SELECT RAISE(ABORT, 'session_void rows are append-only'); END"
            )


def _drop_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name in ("session_void_no_truncate", "session_void_append_only"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON session_void")
        op.execute("DROP TRIGGER IF EXISTS session_void_signed_only ON session_void")
        op.execute("DROP FUNCTION IF EXISTS tracker_refuse_void_of_draft()")
    elif dialect == "sqlite":
        for name in (
            "session_void_signed_only",
            "session_void_no_update",
            "session_void_no_delete",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def downgrade():
    _drop_triggers()
    op.drop_table("session_void")
