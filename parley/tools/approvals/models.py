"""The approvals table and its comments: one decision per request, with priority, SLA and history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parley.core.clock import utcnow
from parley.core.db import Base, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped
from parley.core.types import UTCDateTime

__all__ = ["Approval", "ApprovalComment"]


class Approval(UUIDPrimaryKey, TenantScoped, Base):
    """A request that a person decide, e.g. a discount above the requester's threshold.

    ``status`` moves from ``pending`` exactly once (to approved, rejected or expired); ``resumed_at`` marks
    that the paused conversation behind it was resumed, so that happens exactly once too.
    """

    __tablename__ = "approvals"

    type: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    priority: Mapped[str] = mapped_column(String(16), default="medium", index=True)
    requested_by_kind: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column()
    requested_by_label: Mapped[str] = mapped_column(String(255), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    sla_warning_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sla_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column()
    decided_by_label: Mapped[str] = mapped_column(String(255), default="")
    decision: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApprovalComment(UUIDPrimaryKey, TenantScoped, Base):
    """A note a person left on an approval request."""

    __tablename__ = "approval_comments"

    approval_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("approvals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column()
    author_label: Mapped[str] = mapped_column(String(255), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
