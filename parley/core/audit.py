"""The audit log: every write records who did what to which record, with before and after.

The agent is audited like a person: its actor kind is ``agent`` and its scopes are its own.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from parley.core import context
from parley.core.actor import Actor
from parley.core.clock import utcnow
from parley.core.db import Base, UUIDPrimaryKey
from parley.core.jsonsafe import to_jsonable
from parley.core.tenancy import TenantScoped
from parley.core.types import UTCDateTime

__all__ = ["AuditEntry", "record_audit"]


class AuditEntry(UUIDPrimaryKey, TenantScoped, Base):
    """One write by one actor."""

    __tablename__ = "audit_entries"

    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


def record_audit(
    session: AsyncSession,
    actor: Actor,
    *,
    action: str,
    entity_type: str,
    entity_id: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the caller's transaction, so it commits or rolls back with the write."""
    entry = AuditEntry(
        tenant_id=actor.tenant_id,
        actor_kind=actor.kind.value,
        actor_id=actor.id,
        actor_label=actor.label,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        before=to_jsonable(before),
        after=to_jsonable(after),
        request_id=context.request_id.get(),
        ip=context.client_ip.get(),
    )
    session.add(entry)
    return entry
