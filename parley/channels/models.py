"""The channel tables: a business's provider accounts, every inbound delivery, and the outbox.

The unique constraints carry the guarantees: a redelivered webhook hits ``uq_channel_inbound_*`` and is
never stored (or answered) twice, and ``uq_channel_outbox_message_id`` makes one stored reply one outbox
row, however many sweepers race to enqueue it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.core.clock import utcnow
from parley.core.db import Base, TimestampMixin, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped
from parley.core.types import UTCDateTime

__all__ = ["ChannelAccount", "InboundReceipt", "OutboxMessage"]


class ChannelAccount(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """One provider account of a business: a WhatsApp number, a Telegram bot or a mailbox.

    ``address`` is what an inbound webhook names as its recipient (``whatsapp:+1...``, the bot's
    username, the mailbox), so a webhook finds its business without a tenant in the URL.
    """

    __tablename__ = "channel_accounts"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_channel_accounts_channel_address"),)

    channel: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(320))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    secrets_encrypted: Mapped[str] = mapped_column(Text, default="")


class InboundReceipt(UUIDPrimaryKey, TenantScoped, Base):
    """One inbound provider message, stored before the webhook answers; the queue of the agent's turns."""

    __tablename__ = "channel_inbound"
    __table_args__ = (
        UniqueConstraint(
            "account_id", "external_message_id", name="uq_channel_inbound_account_id_external_message_id"
        ),
    )

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("channel_accounts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    external_message_id: Mapped[str] = mapped_column(String(255))
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ignored_reason: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboxMessage(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """A reply to deliver: written before any provider call, retried with backoff, dead-lettered at the end."""

    __tablename__ = "channel_outbox"

    message_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversation_messages.id", ondelete="CASCADE"), unique=True
    )
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("channel_accounts.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
