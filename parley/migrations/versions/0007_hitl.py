"""Human in the loop: approvals workflow, comments, takeover.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 20:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import parley.core.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _approval_columns() -> list[sa.Column]:
    return [
        sa.Column("priority", sa.String(length=16), nullable=False, server_default="medium"),
        sa.Column("conversation_id", sa.Uuid(), nullable=True),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("sla_warning_at", parley.core.types.UTCDateTime(), nullable=True),
        sa.Column("sla_deadline", parley.core.types.UTCDateTime(), nullable=True),
        sa.Column("expires_at", parley.core.types.UTCDateTime(), nullable=True),
        sa.Column("escalated_at", parley.core.types.UTCDateTime(), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by_label", sa.String(length=255), nullable=False, server_default=""),
        sa.Column("decision", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("history", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("resumed_at", parley.core.types.UTCDateTime(), nullable=True),
    ]


_APPROVAL_INDEXES = ("priority", "conversation_id", "assignee_id", "sla_deadline", "expires_at")


def upgrade() -> None:
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        for column in _approval_columns():
            batch_op.add_column(column)
        for name in _APPROVAL_INDEXES:
            batch_op.create_index(batch_op.f(f"ix_approvals_{name}"), [name], unique=False)

    op.create_table(
        "approval_comments",
        sa.Column("approval_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("author_label", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", parley.core.types.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approval_id"],
            ["approvals.id"],
            name=op.f("fk_approval_comments_approval_id_approvals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_approval_comments_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_comments")),
    )
    with op.batch_alter_table("approval_comments", schema=None) as batch_op:
        for name in ("approval_id", "created_at", "tenant_id"):
            batch_op.create_index(batch_op.f(f"ix_approval_comments_{name}"), [name], unique=False)

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_to_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("taken_over_at", parley.core.types.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_conversations_assigned_to_id"), ["assigned_to_id"], unique=False)

    with op.batch_alter_table("conversation_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_messages", schema=None) as batch_op:
        batch_op.drop_column("author_id")

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversations_assigned_to_id"))
        batch_op.drop_column("taken_over_at")
        batch_op.drop_column("assigned_to_id")

    op.drop_table("approval_comments")

    with op.batch_alter_table("approvals", schema=None) as batch_op:
        for name in _APPROVAL_INDEXES:
            batch_op.drop_index(batch_op.f(f"ix_approvals_{name}"))
        for column in reversed(_approval_columns()):
            batch_op.drop_column(column.name)
