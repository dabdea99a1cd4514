"""Family history: members across generations, parent links, partnerships, relationship
qualities, trauma and resilience events, and links from goals. Reviewed by hand.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 16:19:43.973037
"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "family_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("relationship_label", sa.String(length=80), nullable=False),
        sa.Column("sex", sa.String(length=10), server_default="unknown", nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("birth_approximate", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("death_year", sa.Integer(), nullable=True),
        sa.Column("death_approximate", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("deceased", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_client", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("twin_group", sa.Integer(), nullable=True),
        sa.Column("conditions", sa.String(length=300), server_default="", nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_family_member_client_id_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_member")),
    )
    op.create_index(op.f("ix_family_member_client_id"), "family_member", ["client_id"])

    op.create_table(
        "family_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("branch", sa.String(length=12), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("resilience", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=True),
        sa.Column("end_year", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("spoken_of", sa.String(length=10), server_default="no", nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_family_event_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["family_member.id"],
            name=op.f("fk_family_event_member_id_family_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_event")),
    )
    op.create_index(op.f("ix_family_event_client_id"), "family_event", ["client_id"])

    op.create_table(
        "family_parent_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), server_default="biological", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["family_member.id"],
            name=op.f("fk_family_parent_link_child_id_family_member"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_family_parent_link_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["family_member.id"],
            name=op.f("fk_family_parent_link_parent_id_family_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_parent_link")),
        sa.UniqueConstraint("parent_id", "child_id", name=op.f("uq_family_parent_link_parent_id")),
    )
    op.create_index(op.f("ix_family_parent_link_client_id"), "family_parent_link", ["client_id"])

    op.create_table(
        "family_partnership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), server_default="married", nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=True),
        sa.Column("end_year", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["a_id"], ["family_member.id"], name=op.f("fk_family_partnership_a_id_family_member")
        ),
        sa.ForeignKeyConstraint(
            ["b_id"], ["family_member.id"], name=op.f("fk_family_partnership_b_id_family_member")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_family_partnership_client_id_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_partnership")),
    )
    op.create_index(op.f("ix_family_partnership_client_id"), "family_partnership", ["client_id"])

    op.create_table(
        "family_relationship",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.Column("quality", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["a_id"], ["family_member.id"], name=op.f("fk_family_relationship_a_id_family_member")
        ),
        sa.ForeignKeyConstraint(
            ["b_id"], ["family_member.id"], name=op.f("fk_family_relationship_b_id_family_member")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_family_relationship_client_id_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_relationship")),
    )
    op.create_index(op.f("ix_family_relationship_client_id"), "family_relationship", ["client_id"])

    op.create_table(
        "goal_family_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["family_event.id"],
            name=op.f("fk_goal_family_link_event_id_family_event"),
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["integration_goal.id"],
            name=op.f("fk_goal_family_link_goal_id_integration_goal"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["family_member.id"],
            name=op.f("fk_goal_family_link_member_id_family_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_family_link")),
    )
    op.create_index(op.f("ix_goal_family_link_goal_id"), "goal_family_link", ["goal_id"])


def downgrade():
    op.drop_index(op.f("ix_goal_family_link_goal_id"), table_name="goal_family_link")

    op.drop_table("goal_family_link")
    op.drop_index(op.f("ix_family_relationship_client_id"), table_name="family_relationship")

    op.drop_table("family_relationship")
    op.drop_index(op.f("ix_family_partnership_client_id"), table_name="family_partnership")

    op.drop_table("family_partnership")
    op.drop_index(op.f("ix_family_parent_link_client_id"), table_name="family_parent_link")

    op.drop_table("family_parent_link")
    op.drop_index(op.f("ix_family_event_client_id"), table_name="family_event")

    op.drop_table("family_event")
    op.drop_index(op.f("ix_family_member_client_id"), table_name="family_member")

    op.drop_table("family_member")
