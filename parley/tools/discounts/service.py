"""Manual discounts on quotations and orders, within the caller's threshold or through an approval request.

Threshold: a person may grant up to their role's threshold; the agent up to the smaller of its own threshold
and the customer's tier threshold (both in :func:`parley.tools.pricing.service.get_thresholds`). Within it the
discount applies at once and the document is re-priced (the percent comes off every line after the rules). Above
it the operation's approval hook records a pending ``discount_approval`` and the call answers
``approval_required`` without changing the document.
"""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor, ActorKind
from parley.core.audit import record_audit
from parley.core.events import emit_event
from parley.tools.approvals.service import request_approval
from parley.tools.customers.service import get_customer
from parley.tools.orders import service as orders
from parley.tools.pricing.service import actor_threshold, get_thresholds
from parley.tools.quotations import service as quotations

__all__ = ["apply_discount", "discount_threshold", "needs_approval"]


async def _target(session: AsyncSession, kind: str, target_id: uuid.UUID) -> Any:
    if kind == "quotation":
        return await quotations.get_quotation(session, target_id, for_update=True)
    return await orders.get_order(session, target_id, for_update=True)


def _check_open(kind: str, target: Any) -> None:
    from parley.core.errors import BusinessRuleViolated

    open_states = ("draft", "sent") if kind == "quotation" else ("pending",)
    if target.status not in open_states:
        raise BusinessRuleViolated(
            f"a {target.status} {kind} cannot be discounted",
            code="BIZ_INVALID_TRANSITION",
            details={"from": target.status, "to": target.status, "allowed": list(open_states)},
        )


async def discount_threshold(session: AsyncSession, actor: Actor, customer_id: uuid.UUID) -> dict[str, Any]:
    """The threshold that applies to this actor for this customer, with what it is made of."""
    reader = dataclasses.replace(actor, scopes=actor.scopes | {"pricing:read"})
    thresholds = await get_thresholds(session, reader)
    tier = (await get_customer(session, customer_id)).tier
    own = actor_threshold(thresholds, actor)
    tier_threshold = thresholds.tiers.get(tier, Decimal(0))
    effective = min(own, tier_threshold) if actor.kind is ActorKind.AGENT else own
    return {
        "customer_tier": tier,
        "tier_threshold": tier_threshold,
        "actor_threshold": own,
        "threshold": effective,
    }


async def needs_approval(
    session: AsyncSession,
    actor: Actor,
    *,
    kind: str,
    target_id: uuid.UUID,
    percent: Decimal,
    reason: str = "",
) -> str | None:
    """The approval hook: None within the threshold; above it, record a pending approval and say why."""
    target = await _target(session, kind, target_id)
    _check_open(kind, target)
    limits = await discount_threshold(session, actor, target.customer_id)
    if percent <= limits["threshold"]:
        return None
    approval = await request_approval(
        session,
        actor,
        type_="discount_approval",
        payload={
            "target_type": kind,
            "target_id": str(target.id),
            "target_number": target.number,
            "requested_percent": str(percent),
            "reason": reason,
            **{key: str(value) for key, value in limits.items()},
        },
    )
    return (
        f"a {percent}% discount is above the {limits['threshold']}% you may give; "
        f"approval request {approval.id} is waiting for a manager"
    )


async def apply_discount(
    session: AsyncSession,
    actor: Actor,
    *,
    kind: str,
    target_id: uuid.UUID,
    percent: Decimal,
    reason: str = "",
) -> Any:
    """Apply a discount percent and re-price the quotation or order (the caller checked the threshold)."""
    target = await _target(session, kind, target_id)
    _check_open(kind, target)
    before = {
        "discount_percent": target.discount_percent,
        "total_net": target.total_net,
        "total_gross": target.total_gross,
    }
    if kind == "quotation":
        await quotations.reprice_quotation(session, actor, target, manual_percent=percent)
    else:
        await orders.reprice_order(session, actor, target, manual_percent=percent)
    after = {
        "discount_percent": target.discount_percent,
        "total_net": target.total_net,
        "total_gross": target.total_gross,
        "reason": reason,
    }
    record_audit(
        session,
        actor,
        action="discount.apply",
        entity_type=kind,
        entity_id=target.id,
        before=before,
        after=after,
    )
    emit_event(
        session,
        "discount.applied",
        entity_type=kind,
        entity_id=target.id,
        payload={"number": target.number, "percent": percent, **before},
    )
    return target
