"""The conversation tables: one row per conversation, one per message, and per-business reply templates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.core.clock import utcnow
from parley.core.db import Base, TimestampMixin, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped
from parley.core.types import UTCDateTime

__all__ = ["BOT_SILENT", "CHANNELS", "Conversation", "Message", "ReplyTemplate"]

BOT_SILENT = frozenset({"handed_over", "pending_approval"})
"""Conversation statuses in which the bot says nothing: staff has it, or it waits for a person's decision."""

CHANNELS = ("web", "whatsapp", "telegram", "email", "api")


class Conversation(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """A thread with one customer on one channel; its id is also the graph's checkpoint thread id."""

    __tablename__ = "conversations"

    channel: Mapped[str] = mapped_column(String(16), index=True)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    external_id: Mapped[str | None] = mapped_column(String(255), index=True)
    external_ids: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    language: Mapped[str | None] = mapped_column(String(8))
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    usage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Running totals of the agent's replies (see :func:`parley.agent.accounting.add_to_totals`)."""
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    taken_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Message(UUIDPrimaryKey, TenantScoped, Base):
    """One message of a conversation, with what the agent understood, did and measured for it."""

    __tablename__ = "conversation_messages"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    entities: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    guardrails: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(24), default="received")
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reply_to_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("conversation_messages.id", ondelete="SET NULL")
    )
    rating: Mapped[int | None] = mapped_column(Integer)
    correction: Mapped[str | None] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ReplyTemplate(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """A business's own wording of one offline reply in one language (overrides the packaged default)."""

    __tablename__ = "reply_templates"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key", "language", name="uq_reply_templates_tenant_key_language"),
    )

    key: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
