"""Channels: channel accounts, inbound dedupe, outbox.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 20:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import parley.core.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tenant_columns(table: str) -> list[sa.Column | sa.Constraint]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", parley.core.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", parley.core.types.UTCDateTime(), nullable=False),
    ]


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "channel_accounts",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("secrets_encrypted", sa.Text(), nullable=False),
        *_timestamps(),
        *_tenant_columns("channel_accounts"),
        sa.UniqueConstraint("channel", "address", name="uq_channel_accounts_channel_address"),
    )
    _indexes("channel_accounts", "channel", "created_at", "tenant_id")
    op.create_table(
        "channel_inbound",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_message_id", sa.String(length=255), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("ignored_reason", sa.String(length=32), nullable=True),
        sa.Column("received_at", parley.core.types.UTCDateTime(), nullable=False),
        sa.Column("processed_at", parley.core.types.UTCDateTime(), nullable=True),
        sa.Column("read_at", parley.core.types.UTCDateTime(), nullable=True),
        *_tenant_columns("channel_inbound"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["channel_accounts.id"],
            name=op.f("fk_channel_inbound_account_id_channel_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_channel_inbound_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "account_id", "external_message_id", name="uq_channel_inbound_account_id_external_message_id"
        ),
    )
    _indexes("channel_inbound", "conversation_id", "received_at", "status", "tenant_id")
    op.create_table(
        "channel_outbox",
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("parts_sent", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", parley.core.types.UTCDateTime(), nullable=False),
        sa.Column("provider_message_id", sa.String(length=255), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("read_at", parley.core.types.UTCDateTime(), nullable=True),
        *_timestamps(),
        *_tenant_columns("channel_outbox"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["channel_accounts.id"],
            name=op.f("fk_channel_outbox_account_id_channel_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_channel_outbox_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["conversation_messages.id"],
            name=op.f("fk_channel_outbox_message_id_conversation_messages"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("message_id", name=op.f("uq_channel_outbox_message_id")),
    )
    _indexes(
        "channel_outbox",
        "conversation_id",
        "created_at",
        "next_attempt_at",
        "provider_message_id",
        "status",
        "tenant_id",
    )


def downgrade() -> None:
    op.drop_table("channel_outbox")
    op.drop_table("channel_inbound")
    op.drop_table("channel_accounts")
