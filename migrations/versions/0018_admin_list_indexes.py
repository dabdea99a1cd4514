"""The admin's lists in one index walk: audit events and outbox messages by (practice,
time, id).

The audit page lists a practice's events newest first, fifty at a time, and the outbox
page its messages the same way. With only an index on the practice, the database
sorted every row of the practice on each page view (4.5 ms at 3,000 audit events on
SQLite, growing with the trail, which grows with every record opened); these indexes
serve the filter and the order together, so a page reads its rows and stops. They also
serve every other lookup by practice, so the single-column practice indexes go (one
index less to write on every audit event and message).

Reviewed by hand: indexes only, no data touched; the same on SQLite and PostgreSQL.
Plain index statements (no batch mode): SQLite runs them as they are, and the audit
table with its append-only triggers stays untouched.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 20:00:00
"""

from alembic import op


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# table -> (the new index, its columns, the index it replaces)
INDEXES = {
    "audit_event": (
        "ix_audit_event_practice_id_occurred_at",
        ["practice_id", "occurred_at", "id"],
        "ix_audit_event_practice_id",
    ),
    "outbox_message": (
        "ix_outbox_message_practice_id_created_at",
        ["practice_id", "created_at", "id"],
        "ix_outbox_message_practice_id",
    ),
}


def upgrade():
    for table, (name, columns, replaced) in INDEXES.items():
        op.create_index(name, table, columns)
        op.drop_index(replaced, table_name=table)


def downgrade():
    for table, (name, _columns, replaced) in INDEXES.items():
        op.create_index(replaced, table, ["practice_id"])
        op.drop_index(name, table_name=table)
