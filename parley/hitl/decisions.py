"""Deciding approval requests exactly once: approve, reject, expire, and the scheduler's SLA escalation.

A decision is a conditional ``UPDATE approvals SET status=... WHERE id=... AND status='pending'``: of two
people, two processes or an approval racing its expiry, exactly one sees one row changed; the others get a
409. Its effect (the discount applied, the conversation handed over, the operation a business threshold held
back, see :mod:`parley.hitl.thresholds`) runs in the same transaction, so a lost race changes nothing. Resuming the paused conversation is claimed the same way on ``resumed_at``.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.conversations.models import Conversation
from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.db import Database
from parley.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from parley.core.events import emit_event
from parley.hitl.schemas import Modifications
from parley.hitl.service import add_history, require_pending
from parley.tools.approvals.models import Approval

__all__ = [
    "Outcome",
    "Resumer",
    "claim_resume",
    "decide",
    "escalate_overdue",
    "expire_due",
    "settle",
]

Outcome = Literal["approved", "rejected", "expired"]
Resumer = Callable[[uuid.UUID, uuid.UUID], Awaitable[Any]]
"""``resume(tenant_id, approval_id)``: continue the conversation paused on a decided request (the agent's)."""


async def _get(session: AsyncSession, approval_id: uuid.UUID) -> Approval:
    approval = await session.scalar(
        select(Approval).where(Approval.id == approval_id).execution_options(populate_existing=True)
    )
    if approval is None:
        raise NotFound("no such approval request", details={"approval_id": str(approval_id)})
    return approval


async def _claim(session: AsyncSession, approval: Approval, values: dict[str, Any]) -> bool:
    """Move the request out of ``pending`` if nobody else did; True for the one caller that did."""
    result = await session.execute(
        update(Approval)
        .where(Approval.id == approval.id, Approval.status == "pending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await session.refresh(approval)
    return True


async def _approver_limit(session: AsyncSession, actor: Actor) -> Decimal:
    from parley.tools.pricing.service import actor_threshold, get_thresholds

    reader = dataclasses.replace(actor, scopes=actor.scopes | {"pricing:read"})
    return actor_threshold(await get_thresholds(session, reader), actor)


async def _approved_percent(
    session: AsyncSession, actor: Actor, approval: Approval, modifications: Modifications | None
) -> Decimal:
    """The percent being approved: at most the one requested, and within the approver's own threshold."""
    requested = Decimal(approval.payload["requested_percent"])
    percent = modifications.percent if modifications and modifications.percent else requested
    if percent > requested:
        raise ValidationFailed(
            f"cannot approve more than the {requested}% requested", field="modifications.percent"
        )
    limit = await _approver_limit(session, actor)
    if percent > limit:
        raise PermissionDenied(
            f"you may approve discounts up to {limit}%; ask a manager for {percent}%",
            code="AUTHZ_ABOVE_THRESHOLD",
            details={"threshold": str(limit), "percent": str(percent)},
        )
    return percent


async def _apply_discount(
    session: AsyncSession, actor: Actor, approval: Approval, percent: Decimal
) -> dict[str, Any]:
    from parley.tools.discounts.service import apply_discount

    payload = approval.payload
    requested = Decimal(payload["requested_percent"])
    target = await apply_discount(
        session,
        actor,
        kind=payload["target_type"],
        target_id=uuid.UUID(payload["target_id"]),
        percent=percent,
        reason=f"approved request {approval.id}",
    )
    return {
        "kind": "discount",
        "percent": str(percent),
        "requested_percent": str(requested),
        "modified": percent != requested,
        "target_type": payload["target_type"],
        "target_id": str(target.id),
        "number": target.number,
        "total_net": str(target.total_net),
        "total_gross": str(target.total_gross),
        "currency": target.currency,
    }


async def _hand_over(
    session: AsyncSession, actor: Actor, approval: Approval, outcome: Outcome, now: datetime
) -> dict[str, Any]:
    """A handover request approved: the approver takes the conversation; rejected: the bot carries on."""
    if approval.conversation_id is None:
        return {}
    conversation = await session.scalar(
        select(Conversation).where(Conversation.id == approval.conversation_id)
    )
    if conversation is None or conversation.status == "closed":
        return {}
    if outcome == "approved":
        conversation.status, conversation.assigned_to_id, conversation.taken_over_at = (
            "handed_over",
            actor.id,
            now,
        )
        return {"kind": "takeover", "assigned_to": str(actor.id) if actor.id else None}
    conversation.status, conversation.assigned_to_id = "open", None
    return {"kind": "handback"}


async def _effect(
    session: AsyncSession,
    actor: Actor,
    approval: Approval,
    outcome: Outcome,
    percent: Decimal | None,
    now: datetime,
) -> dict[str, Any]:
    if approval.type == "handover_escalation":
        return await _hand_over(session, actor, approval, outcome, now)
    if outcome == "approved" and percent is not None:
        return await _apply_discount(session, actor, approval, percent)
    if outcome == "approved" and "operation" in approval.payload:
        return await _run_deferred(session, actor, approval)
    return {}


async def _run_deferred(session: AsyncSession, actor: Actor, approval: Approval) -> dict[str, Any]:
    """Carry out the call a threshold held back (an order above the limit), as the approver."""
    from parley.tools.operation import invoke
    from parley.tools.registry import OPERATIONS

    name = approval.payload["operation"]
    operation = next(op for op in OPERATIONS if op.name == name)
    result = await invoke(
        operation, session, actor, operation.input.model_validate(approval.payload["input"])
    )
    data = result.model_dump(mode="json")
    return {
        "kind": "operation",
        "operation": name,
        **{key: data[key] for key in ("id", "number", "total_net", "total_gross", "currency") if key in data},
    }


async def decide(
    session: AsyncSession,
    actor: Actor,
    approval_id: uuid.UUID,
    *,
    outcome: Literal["approved", "rejected"],
    now: datetime,
    note: str = "",
    reason: str = "",
    customer_message: str | None = None,
    modifications: Modifications | None = None,
) -> Approval:
    """Approve or reject a pending request once, with its effect; a second decision gets a 409."""
    actor.require("hitl:approve" if outcome == "approved" else "hitl:reject")
    approval = await _get(session, approval_id)
    require_pending(approval)
    percent = None
    if outcome == "approved" and approval.type == "discount_approval" and "target_id" in approval.payload:
        percent = await _approved_percent(session, actor, approval, modifications)
    decision: dict[str, Any] = {"outcome": outcome, "note": note, "reason": reason}
    if customer_message:
        decision["customer_message"] = customer_message
    values = {
        "status": outcome,
        "decided_at": now,
        "decided_by_id": actor.id,
        "decided_by_label": actor.label,
        "decision": decision,
    }
    if not await _claim(session, approval, values):
        await session.refresh(approval)
        require_pending(approval)
        raise Conflict("the approval request changed meanwhile", code="BIZ_APPROVAL_ALREADY_DECIDED")
    effect = await _effect(session, actor, approval, outcome, percent, now)
    approval.decision = {**decision, "effect": effect}
    add_history(approval, outcome, actor, now, note=note, reason=reason, effect=effect)
    record_audit(
        session,
        actor,
        action=f"approval.{'approve' if outcome == 'approved' else 'reject'}",
        entity_type="approval",
        entity_id=approval.id,
        before={"status": "pending"},
        after={"status": outcome, **approval.decision},
    )
    emit_event(
        session,
        "approval.decided",
        entity_type="approval",
        entity_id=approval.id,
        payload={"outcome": outcome, "type": approval.type, "conversation_id": approval.conversation_id},
    )
    await session.flush()
    return approval


async def settle(
    db: Database,
    actor: Actor,
    approval_id: uuid.UUID,
    *,
    resume: Resumer | None,
    **decision: Any,
) -> uuid.UUID:
    """Decide in a transaction of its own, then (committed) resume the conversation that waits for it."""
    async with db.transaction(actor.tenant_id) as session:
        approval = await decide(session, actor, approval_id, **decision)
    if resume is not None:
        await resume(actor.tenant_id, approval.id)
    return approval.id


async def claim_resume(session: AsyncSession, approval_id: uuid.UUID, now: datetime) -> Approval | None:
    """The decided request, for the one caller that may resume its conversation; None for everyone else."""
    result = await session.execute(
        update(Approval)
        .where(
            Approval.id == approval_id,
            Approval.status != "pending",
            Approval.resumed_at.is_(None),
            Approval.conversation_id.is_not(None),
        )
        .values(resumed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return await _get(session, approval_id)


async def expire_due(session: AsyncSession, actor: Actor, *, now: datetime) -> list[uuid.UUID]:
    """Lapse every pending request past its expiry; the ``approval.decided`` event resumes its conversation."""
    due = list(
        await session.scalars(
            select(Approval).where(Approval.status == "pending", Approval.expires_at <= now)
        )
    )
    expired = []
    for approval in due:
        values = {"status": "expired", "decided_at": now, "decided_by_label": actor.label}
        if not await _claim(session, approval, {**values, "decision": {"outcome": "expired"}}):
            continue
        if approval.type == "handover_escalation":
            await _hand_over(session, actor, approval, "rejected", now)
        add_history(approval, "expired", actor, now)
        emit_event(
            session,
            "approval.decided",
            entity_type="approval",
            entity_id=approval.id,
            payload={
                "outcome": "expired",
                "type": approval.type,
                "conversation_id": approval.conversation_id,
            },
        )
        expired.append(approval.id)
    await session.flush()
    return expired


async def escalate_overdue(session: AsyncSession, actor: Actor, *, now: datetime) -> int:
    """Escalate, once, every pending request past its SLA deadline: urgent priority, one level up."""
    due = list(
        await session.scalars(
            select(Approval)
            .where(
                Approval.status == "pending",
                Approval.sla_deadline <= now,
                Approval.escalated_at.is_(None),
            )
            .with_for_update()
        )
    )
    for approval in due:
        approval.escalation_level += 1
        approval.escalated_at = now
        approval.priority = "urgent"
        add_history(approval, "escalated", actor, now, reason="SLA breached", level=approval.escalation_level)
        emit_event(
            session,
            "approval.escalated",
            entity_type="approval",
            entity_id=approval.id,
            payload={"reason": "sla_breached", "level": approval.escalation_level, "type": approval.type},
        )
    await session.flush()
    return len(due)
