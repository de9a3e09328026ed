"""Tenant isolation by construction: every query on a tenant's table is filtered, every insert stamped.

A session from :meth:`Database.session` carries its tenant in ``session.info``. The hooks below add
``tenant_id = :tenant`` to every ORM select, update and delete of a :class:`TenantScoped` entity, and stamp or
check ``tenant_id`` on every new row. A session with neither a tenant nor the system flag cannot query at all.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

__all__ = ["TenantScoped", "session_tenant"]


class TenantScoped:
    """Mixin for every business row: it belongs to exactly one tenant."""

    @declared_attr
    @classmethod
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        """The owning tenant; indexed because every query filters on it."""
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


def session_tenant(session: Session) -> uuid.UUID | None:
    """The tenant a session serves, or None for a system session."""
    return session.info.get("tenant_id")


@event.listens_for(Session, "do_orm_execute")
def _filter_by_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return
    tenant_id = state.session.info.get("tenant_id")
    if tenant_id is None:
        if state.session.info.get("system"):
            return
        raise RuntimeError("query on a session with no tenant: use Database.session(tenant_id)")
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)
    )


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session: Session, _context: Any, _instances: Any) -> None:
    tenant_id = session.info.get("tenant_id")
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise RuntimeError(f"new {type(obj).__name__} has no tenant and the session serves none")
            obj.tenant_id = tenant_id
        elif tenant_id is not None and obj.tenant_id != tenant_id:
            raise RuntimeError(f"new {type(obj).__name__} belongs to another tenant than the session")
    if tenant_id is not None:
        for obj in session.dirty:
            if isinstance(obj, TenantScoped) and obj.tenant_id != tenant_id:
                raise RuntimeError(f"{type(obj).__name__} was moved to another tenant")
