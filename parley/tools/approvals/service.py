"""Approval requests: what an actor asked for but may not do alone. Deciding them is :mod:`parley.hitl`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.core.errors import NotFound
from parley.core.events import emit_event
from parley.core.listing import ListParams, Page, paginate
from parley.hitl.policy import policy_for
from parley.tools.approvals.models import Approval
from parley.tools.approvals.schemas import ApprovalFilter, ApprovalOut

__all__ = ["get_approval", "list_approvals", "request_approval"]


def _out(approval: Approval) -> ApprovalOut:
    return ApprovalOut.model_validate(approval, from_attributes=True)


async def request_approval(
    session: AsyncSession,
    actor: Actor,
    *,
    type_: str,
    payload: dict[str, Any],
    conversation_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Approval:
    """Record a pending request by this actor, with its type's priority and SLA and an ``approval.requested`` event."""
    created_at = now or utcnow()
    policy = policy_for(type_)
    warning_at, deadline, expires_at = policy.deadlines(created_at)
    approval = Approval(
        type=type_,
        status="pending",
        priority=policy.priority,
        requested_by_kind=actor.kind.value,
        requested_by_id=actor.id,
        requested_by_label=actor.label,
        payload=payload,
        conversation_id=conversation_id,
        created_at=created_at,
        sla_warning_at=warning_at,
        sla_deadline=deadline,
        expires_at=expires_at,
        escalation_level=0,
        decided_by_label="",
        decision={},
        history=[{"at": created_at.isoformat(), "action": "requested", "by": actor.label}],
    )
    session.add(approval)
    await session.flush()
    record_audit(
        session,
        actor,
        action="approval.request",
        entity_type="approval",
        entity_id=approval.id,
        after=_out(approval).model_dump(mode="json"),
    )
    emit_event(
        session,
        "approval.requested",
        entity_type="approval",
        entity_id=approval.id,
        payload={"type": type_, **payload},
    )
    return approval


async def get_approval(session: AsyncSession, actor: Actor, approval_id: uuid.UUID) -> ApprovalOut:
    """One approval request, or :class:`NotFound`."""
    actor.require("hitl:read")
    approval = await session.scalar(select(Approval).where(Approval.id == approval_id))
    if approval is None:
        raise NotFound("no such approval request", details={"approval_id": str(approval_id)})
    return _out(approval)


async def list_approvals(
    session: AsyncSession, actor: Actor, *, filters: ApprovalFilter
) -> Page[ApprovalOut]:
    """Approval requests, newest first."""
    actor.require("hitl:read")
    statement = select(Approval).order_by(Approval.created_at.desc(), Approval.id)
    if filters.status is not None:
        statement = statement.where(Approval.status == filters.status)
    if filters.type is not None:
        statement = statement.where(Approval.type == filters.type)
    params = ListParams(page=filters.page, limit=filters.limit, sort=None, search=None, fields=None)
    rows, info = await paginate(session, statement, params)
    return Page[ApprovalOut](items=[_out(row) for row in rows], pagination=info)
