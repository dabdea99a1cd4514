"""Foundation: practice, accounts, sign-in sessions, clients, screening, consents, audit.

Reviewed by hand: portable types only (no app imports), boolean defaults that
PostgreSQL accepts, and triggers that make the audit trail append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 15:27:48.162123
"""

from alembic import op
import sqlalchemy as sa


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), server_default="", nullable=False),
        sa.Column("letterhead_text", sa.Text(), server_default="", nullable=False),
        sa.Column("report_footer", sa.Text(), server_default="", nullable=False),
        sa.Column("hold_systolic", sa.Integer(), server_default="140", nullable=False),
        sa.Column("hold_diastolic", sa.Integer(), server_default="90", nullable=False),
        sa.Column("alert_systolic_low", sa.Integer(), server_default="90", nullable=False),
        sa.Column("alert_systolic_high", sa.Integer(), server_default="180", nullable=False),
        sa.Column("alert_heart_rate_low", sa.Integer(), server_default="50", nullable=False),
        sa.Column("alert_heart_rate_high", sa.Integer(), server_default="150", nullable=False),
        sa.Column("alert_spo2_low", sa.Integer(), server_default="92", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice")),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credentials", sa.String(length=120), server_default="", nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("failed_login_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_failed_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_user_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("email", name=op.f("uq_user_email")),
    )
    op.create_index(op.f("ix_user_practice_id"), "user", ["practice_id"])

    op.create_table(
        "auth_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.String(length=40), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_auth_session_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_session_token_hash")),
    )
    op.create_index(op.f("ix_auth_session_user_id"), "auth_session", ["user_id"])

    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("primary_therapist_id", sa.Integer(), nullable=False),
        sa.Column("portal_user_id", sa.Integer(), nullable=True),
        sa.Column("preferred_name", sa.String(length=120), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("pronouns", sa.String(length=40), server_default="", nullable=False),
        sa.Column("email", sa.String(length=254), server_default="", nullable=False),
        sa.Column("phone", sa.String(length=40), server_default="", nullable=False),
        sa.Column("address", sa.String(length=300), server_default="", nullable=False),
        sa.Column(
            "emergency_contact_name", sa.String(length=200), server_default="", nullable=False
        ),
        sa.Column(
            "emergency_contact_phone", sa.String(length=40), server_default="", nullable=False
        ),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("course_start_date", sa.Date(), nullable=True),
        sa.Column("referral_source", sa.String(length=200), server_default="", nullable=False),
        sa.Column("presenting_concerns", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["portal_user_id"], ["user.id"], name=op.f("fk_client_portal_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_client_practice_id_practice")
        ),
        sa.ForeignKeyConstraint(
            ["primary_therapist_id"], ["user.id"], name=op.f("fk_client_primary_therapist_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client")),
        sa.UniqueConstraint("portal_user_id", name=op.f("uq_client_portal_user_id")),
    )
    op.create_index(op.f("ix_client_practice_id"), "client", ["practice_id"])
    op.create_index(op.f("ix_client_primary_therapist_id"), "client", ["primary_therapist_id"])

    op.create_table(
        "one_time_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_one_time_token_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_one_time_token_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_one_time_token_token_hash")),
    )
    op.create_index(op.f("ix_one_time_token_user_id"), "one_time_token", ["user_id"])

    op.create_table(
        "pending_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_pending_submission_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_submission")),
    )
    op.create_index(op.f("ix_pending_submission_user_id"), "pending_submission", ["user_id"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("detail", sa.String(length=300), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_audit_event_actor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_audit_event_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_audit_event_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_action"), "audit_event", ["action"])
    op.create_index(op.f("ix_audit_event_actor_id"), "audit_event", ["actor_id"])
    op.create_index(op.f("ix_audit_event_client_id"), "audit_event", ["client_id"])
    op.create_index(op.f("ix_audit_event_occurred_at"), "audit_event", ["occurred_at"])
    op.create_index(op.f("ix_audit_event_practice_id"), "audit_event", ["practice_id"])

    op.create_table(
        "care_team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["user.id"], name=op.f("fk_care_team_member_added_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_care_team_member_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_care_team_member_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_team_member")),
        sa.UniqueConstraint("client_id", "user_id", name=op.f("uq_care_team_member_client_id")),
    )
    op.create_index(op.f("ix_care_team_member_client_id"), "care_team_member", ["client_id"])
    op.create_index(op.f("ix_care_team_member_user_id"), "care_team_member", ["user_id"])

    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_consent_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_consent_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["user.id"], name=op.f("fk_consent_revoked_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    op.create_index(op.f("ix_consent_client_id"), "consent", ["client_id"])

    op.create_table(
        "medical_screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("screened_on", sa.Date(), nullable=False),
        sa.Column(
            "uncontrolled_hypertension", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column(
            "cardiovascular_disease", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("psychosis_history", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("bipolar_disorder", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("pregnancy", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("active_substance_use", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "severe_dissociative_disorder", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column(
            "raised_intracranial_pressure", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("weight_kg", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("medications", sa.Text(), nullable=True),
        sa.Column("allergies", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_medical_screening_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_medical_screening_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_medical_screening_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_screening")),
    )
    op.create_index(op.f("ix_medical_screening_client_id"), "medical_screening", ["client_id"])

    _create_append_only_triggers("audit_event")


APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = 'raise_exception';
END
$$;
"""


def _create_append_only_triggers(table):
    """Refuse UPDATE and DELETE on ``table`` in the database itself."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION tracker_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION tracker_refuse_change()"
        )
    elif dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
            )


def _drop_append_only_triggers(table):
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    elif dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def downgrade():
    _drop_append_only_triggers("audit_event")
    op.drop_index(op.f("ix_medical_screening_client_id"), table_name="medical_screening")

    op.drop_table("medical_screening")
    op.drop_index(op.f("ix_consent_client_id"), table_name="consent")

    op.drop_table("consent")
    op.drop_index(op.f("ix_care_team_member_user_id"), table_name="care_team_member")
    op.drop_index(op.f("ix_care_team_member_client_id"), table_name="care_team_member")

    op.drop_table("care_team_member")
    op.drop_index(op.f("ix_audit_event_practice_id"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_occurred_at"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_client_id"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_actor_id"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_action"), table_name="audit_event")

    op.drop_table("audit_event")
    op.drop_index(op.f("ix_pending_submission_user_id"), table_name="pending_submission")

    op.drop_table("pending_submission")
    op.drop_index(op.f("ix_one_time_token_user_id"), table_name="one_time_token")

    op.drop_table("one_time_token")
    op.drop_index(op.f("ix_client_primary_therapist_id"), table_name="client")
    op.drop_index(op.f("ix_client_practice_id"), table_name="client")

    op.drop_table("client")
    op.drop_index(op.f("ix_auth_session_user_id"), table_name="auth_session")

    op.drop_table("auth_session")
    op.drop_index(op.f("ix_user_practice_id"), table_name="user")

    op.drop_table("user")
    op.drop_table("practice")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS tracker_refuse_change()")
