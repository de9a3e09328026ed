"""Reading and annotating approval requests: list, detail with context, comments, reassign, escalate, stats.

Deciding them is :mod:`parley.hitl.decisions`. Every change appends to the request's ``history`` and writes an
audit entry, so the detail view tells the whole story.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.conversations.models import Conversation, Message
from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.errors import Conflict, NotFound, ValidationFailed
from parley.core.events import emit_event
from parley.core.listing import ListParams, PageInfo, apply_sort, paginate
from parley.hitl.policy import sla_status
from parley.hitl.schemas import (
    ApprovalDetail,
    ApprovalFilters,
    ApprovalView,
    CommentOut,
    StatsOut,
)
from parley.identity.models import User
from parley.tools.approvals.models import Approval, ApprovalComment
from parley.tools.customers.models import Customer

__all__ = [
    "add_comment",
    "add_history",
    "approval_for_update",
    "escalate",
    "get_detail",
    "list_approvals",
    "reassign",
    "require_pending",
    "stats",
    "view",
]

_PRIORITY_RANK = case({"urgent": 4, "high": 3, "medium": 2, "low": 1}, value=Approval.priority, else_=0)
_SORT: dict[str, Any] = {
    "created_at": Approval.created_at,
    "sla_deadline": Approval.sla_deadline,
    "priority": _PRIORITY_RANK,
    "decided_at": Approval.decided_at,
    "type": Approval.type,
    "status": Approval.status,
}


def view(approval: Approval, now: datetime) -> ApprovalView:
    """The list shape of a request, with its SLA status as of ``now``."""
    return ApprovalView(
        id=approval.id,
        type=approval.type,
        status=approval.status,
        priority=approval.priority,
        sla_status=sla_status(
            status=approval.status,
            warning_at=approval.sla_warning_at,
            deadline=approval.sla_deadline,
            decided_at=approval.decided_at,
            now=now,
        ),
        sla_deadline=approval.sla_deadline,
        expires_at=approval.expires_at,
        escalation_level=approval.escalation_level,
        escalated_at=approval.escalated_at,
        assignee_id=approval.assignee_id,
        conversation_id=approval.conversation_id,
        requested_by_kind=approval.requested_by_kind,
        requested_by_label=approval.requested_by_label,
        payload=approval.payload,
        created_at=approval.created_at,
        decided_at=approval.decided_at,
        decided_by_label=approval.decided_by_label,
        decision=approval.decision,
    )


def require_pending(approval: Approval) -> None:
    """Refuse to act on a request that was decided already."""
    if approval.status != "pending":
        raise Conflict(
            f"the approval request was {approval.status} already",
            code="BIZ_APPROVAL_ALREADY_DECIDED",
            details={"status": approval.status, "decided_by": approval.decided_by_label},
        )


def add_history(approval: Approval, action: str, actor: Actor, now: datetime, **details: Any) -> None:
    """Append an entry to the request's story (a new list, so the JSON column sees the change)."""
    entry = {"at": now.isoformat(), "action": action, "by": actor.label, **details}
    approval.history = [*(approval.history or []), entry]


async def approval_for_update(session: AsyncSession, approval_id: uuid.UUID) -> Approval:
    """One request of this business, locked for the rest of the transaction (404 otherwise)."""
    approval = await session.scalar(
        select(Approval)
        .where(Approval.id == approval_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if approval is None:
        raise NotFound("no such approval request", details={"approval_id": str(approval_id)})
    return approval


def _sla_filter(statement: Select[Any], wanted: str, now: datetime) -> Select[Any]:
    pending = Approval.status == "pending"
    decided_late = and_(~pending, Approval.decided_at > Approval.sla_deadline)
    conditions = {
        "breached": or_(and_(pending, Approval.sla_deadline <= now), decided_late),
        "warning": and_(pending, Approval.sla_warning_at <= now, Approval.sla_deadline > now),
        "on_track": and_(pending, or_(Approval.sla_warning_at.is_(None), Approval.sla_warning_at > now)),
        "met": and_(
            ~pending, or_(Approval.sla_deadline.is_(None), Approval.decided_at <= Approval.sla_deadline)
        ),
    }
    return statement.where(conditions[wanted])


async def list_approvals(
    session: AsyncSession, actor: Actor, *, filters: ApprovalFilters, params: ListParams, now: datetime
) -> tuple[list[ApprovalView], PageInfo]:
    """One page of requests; most urgent first unless ``sort`` says otherwise."""
    actor.require("hitl:read")
    statement = select(Approval)
    for name in ("status", "type", "priority", "assignee_id", "conversation_id"):
        value = getattr(filters, name)
        if value is not None:
            statement = statement.where(getattr(Approval, name) == value)
    if filters.sla_status is not None:
        statement = _sla_filter(statement, filters.sla_status, now)
    statement = apply_sort(statement, params.sort, _SORT, default="-priority,sla_deadline,created_at")
    rows, info = await paginate(session, statement.order_by(Approval.id), params)
    return [view(row, now) for row in rows], info


async def _get(session: AsyncSession, approval_id: uuid.UUID) -> Approval:
    approval = await session.scalar(select(Approval).where(Approval.id == approval_id))
    if approval is None:
        raise NotFound("no such approval request", details={"approval_id": str(approval_id)})
    return approval


async def _excerpt(session: AsyncSession, conversation_id: uuid.UUID | None) -> list[dict[str, Any]]:
    if conversation_id is None:
        return []
    rows = list(
        await session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.seq.desc())
            .limit(10)
        )
    )
    return [
        {"role": m.role, "text": m.text, "status": m.status, "guardrails": m.guardrails, "at": m.created_at}
        for m in reversed(rows)
    ]


async def _customer(session: AsyncSession, approval: Approval) -> dict[str, Any] | None:
    customer_id: Any = approval.payload.get("customer_id")
    if customer_id is None and approval.conversation_id is not None:
        conversation = await session.get(Conversation, approval.conversation_id)
        customer_id = conversation.customer_id if conversation else None
    if customer_id is None:
        return None
    customer = await session.scalar(select(Customer).where(Customer.id == uuid.UUID(str(customer_id))))
    if customer is None:
        return None
    return {"id": customer.id, "name": customer.name, "email": customer.email, "tier": customer.tier}


async def _effect(session: AsyncSession, approval: Approval) -> dict[str, Any]:
    """What approving would change, from the target as it is now."""
    payload = approval.payload
    if approval.type != "discount_approval" or "target_id" not in payload:
        return {}
    from parley.tools.orders.models import Order
    from parley.tools.quotations.models import Quotation

    model: Any = Quotation if payload.get("target_type") == "quotation" else Order
    target = await session.scalar(select(model).where(model.id == uuid.UUID(payload["target_id"])))
    if target is None:
        return {}
    return {
        "target": {"type": payload.get("target_type"), "id": target.id, "number": target.number},
        "current_discount_percent": target.discount_percent,
        "requested_percent": payload.get("requested_percent"),
        "current_total_net": target.total_net,
        "current_total_gross": target.total_gross,
        "currency": target.currency,
        "threshold": payload.get("threshold"),
    }


async def get_detail(
    session: AsyncSession, actor: Actor, approval_id: uuid.UUID, *, now: datetime
) -> ApprovalDetail:
    """One request with its conversation excerpt, proposed action and effect, guardrails, customer and story."""
    actor.require("hitl:read")
    approval = await _get(session, approval_id)
    excerpt = await _excerpt(session, approval.conversation_id)
    comments = await session.scalars(
        select(ApprovalComment)
        .where(ApprovalComment.approval_id == approval.id)
        .order_by(ApprovalComment.created_at, ApprovalComment.id)
    )
    context = {
        "conversation": excerpt,
        "proposed_action": {"type": approval.type, **approval.payload},
        "effect": await _effect(session, approval),
        "guardrails": approval.payload.get("guardrails")
        or next((m["guardrails"] for m in reversed(excerpt) if m["guardrails"]), {}),
        "customer": await _customer(session, approval),
    }
    return ApprovalDetail(
        **view(approval, now).model_dump(),
        context=context,
        history=approval.history or [],
        comments=[CommentOut.model_validate(c) for c in comments],
    )


async def add_comment(
    session: AsyncSession, actor: Actor, approval_id: uuid.UUID, *, text: str, now: datetime
) -> CommentOut:
    """Leave a note on a request (anyone who may read requests may comment)."""
    actor.require("hitl:read")
    approval = await _get(session, approval_id)
    comment = ApprovalComment(
        approval_id=approval.id, author_id=actor.id, author_label=actor.label, text=text, created_at=now
    )
    session.add(comment)
    add_history(approval, "commented", actor, now)
    await session.flush()
    return CommentOut.model_validate(comment)


async def _staff_member(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.scalar(select(User).where(User.id == user_id))
    if user is None:
        raise ValidationFailed("no such staff member in this business", field="assignee_id")
    return user


async def reassign(
    session: AsyncSession, actor: Actor, approval_id: uuid.UUID, *, assignee_id: uuid.UUID, now: datetime
) -> Approval:
    """Give a pending request to another staff member of the business."""
    actor.require("hitl:escalate")
    approval = await approval_for_update(session, approval_id)
    user = await _staff_member(session, assignee_id)
    before = approval.assignee_id
    approval.assignee_id = user.id
    add_history(approval, "reassigned", actor, now, assignee=user.email)
    record_audit(
        session,
        actor,
        action="approval.reassign",
        entity_type="approval",
        entity_id=approval.id,
        before={"assignee_id": str(before) if before else None},
        after={"assignee_id": str(user.id)},
    )
    emit_event(session, "approval.reassigned", entity_type="approval", entity_id=approval.id)
    await session.flush()
    return approval


async def escalate(
    session: AsyncSession,
    actor: Actor,
    approval_id: uuid.UUID,
    *,
    reason: str,
    now: datetime,
    assignee_id: uuid.UUID | None = None,
) -> Approval:
    """Raise a pending request one level: urgent priority, optionally to a named person."""
    actor.require("hitl:escalate")
    approval = await approval_for_update(session, approval_id)
    require_pending(approval)
    if assignee_id is not None:
        approval.assignee_id = (await _staff_member(session, assignee_id)).id
    approval.escalation_level += 1
    approval.escalated_at = now
    approval.priority = "urgent"
    add_history(approval, "escalated", actor, now, reason=reason, level=approval.escalation_level)
    record_audit(
        session,
        actor,
        action="approval.escalate",
        entity_type="approval",
        entity_id=approval.id,
        after={"reason": reason, "level": approval.escalation_level},
    )
    emit_event(
        session,
        "approval.escalated",
        entity_type="approval",
        entity_id=approval.id,
        payload={"reason": reason, "level": approval.escalation_level},
    )
    await session.flush()
    return approval


async def stats(session: AsyncSession, actor: Actor, *, now: datetime) -> StatsOut:
    """Counts by status, type and priority; pending by SLA status; resolution time and SLA compliance."""
    actor.require("hitl:read")
    rows = list(
        await session.execute(
            select(
                Approval.status,
                Approval.type,
                Approval.priority,
                Approval.created_at,
                Approval.decided_at,
                Approval.sla_warning_at,
                Approval.sla_deadline,
            )
        )
    )
    by_status: dict[str, int] = {}
    by_type: dict[str, int] = {}
    by_priority: dict[str, int] = {}
    pending_sla: dict[str, int] = {"on_track": 0, "warning": 0, "breached": 0}
    durations: list[float] = []
    met = 0
    for status, type_, priority, created_at, decided_at, warning_at, deadline in rows:
        by_status[status] = by_status.get(status, 0) + 1
        by_type[type_] = by_type.get(type_, 0) + 1
        by_priority[priority] = by_priority.get(priority, 0) + 1
        sla = sla_status(
            status=status, warning_at=warning_at, deadline=deadline, decided_at=decided_at, now=now
        )
        if status == "pending":
            pending_sla[sla] += 1
        elif status in ("approved", "rejected") and decided_at is not None:
            durations.append((decided_at - created_at).total_seconds())
            met += sla == "met"
    return StatsOut(
        total=len(rows),
        by_status=by_status,
        by_type=by_type,
        by_priority=by_priority,
        pending_by_sla_status=pending_sla,
        average_resolution_seconds=round(sum(durations) / len(durations), 1) if durations else None,
        sla_compliance=round(met / len(durations), 4) if durations else None,
    )
