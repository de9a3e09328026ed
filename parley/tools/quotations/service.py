"""Quotation service: create (priced by the pricing rules), send, accept into an order, reject, expire.

States: ``draft -> sent -> accepted | rejected | expired``. Anything else is 409 ``BIZ_INVALID_TRANSITION``
and changes nothing. A quotation keeps the prices of the moment it was priced (``priced_at``); a discount
re-prices it at that same moment, so only the discount changes. Rounding: :mod:`parley.tools.pricing.money`.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.core.errors import BusinessRuleViolated, NotFound
from parley.core.events import emit_event
from parley.core.listing import ListParams, Page, apply_sort, paginate
from parley.tools.numbering.service import next_number
from parley.tools.pricing.lines import fill_line, fill_totals
from parley.tools.pricing.schemas import LineIn
from parley.tools.pricing.service import price_lines
from parley.tools.quotations.models import Quotation, QuotationLine
from parley.tools.quotations.schemas import QuotationCreate, QuotationFilter, QuotationOut
from parley.tools.states import check_transition

__all__ = [
    "TRANSITIONS",
    "accept_quotation",
    "create_quotation",
    "expire_quotations",
    "get_quotation",
    "list_quotations",
    "quotation_out",
    "reject_quotation",
    "reprice_quotation",
    "send_quotation",
]

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"sent"}),
    "sent": frozenset({"accepted", "rejected", "expired"}),
    "accepted": frozenset(),
    "rejected": frozenset(),
    "expired": frozenset(),
}
_SORT = {
    "created_at": Quotation.created_at,
    "number": Quotation.number,
    "total_gross": Quotation.total_gross,
    "valid_until": Quotation.valid_until,
}


def quotation_out(quotation: Quotation) -> QuotationOut:
    """The quotation as callers see it."""
    return QuotationOut.model_validate(quotation, from_attributes=True)


def _snapshot(quotation: Quotation) -> dict[str, Any]:
    return quotation_out(quotation).model_dump(mode="json", exclude={"lines"})


async def get_quotation(
    session: AsyncSession, quotation_id: uuid.UUID, *, for_update: bool = False
) -> Quotation:
    """A quotation of this business, or :class:`NotFound`."""
    statement = select(Quotation).where(Quotation.id == quotation_id)
    if for_update:
        statement = statement.with_for_update()
    quotation = await session.scalar(statement)
    if quotation is None:
        raise NotFound("no such quotation", details={"quotation_id": str(quotation_id)})
    return quotation


def _line_inputs(quotation: Quotation) -> list[LineIn]:
    return [LineIn(product_id=line.product_id, quantity=line.quantity) for line in quotation.lines]


async def _price_into(
    session: AsyncSession, actor: Actor, quotation: Quotation, lines: list[LineIn], manual_percent: Decimal
) -> None:
    result = await price_lines(
        session,
        actor,
        customer_id=quotation.customer_id,
        lines=lines,
        at=quotation.priced_at,
        manual_percent=manual_percent,
    )
    quotation.lines.clear()
    await session.flush()
    for position, priced in enumerate(result.priced.lines, start=1):
        quotation.lines.append(fill_line(QuotationLine(), position, priced))
    fill_totals(quotation, result.priced, currency=result.currency)
    quotation.discount_percent = manual_percent


async def create_quotation(
    session: AsyncSession,
    actor: Actor,
    *,
    customer_id: uuid.UUID,
    lines: list[LineIn],
    valid_days: int = 30,
    notes: str = "",
    now: datetime | None = None,
) -> Quotation:
    """A draft quotation numbered ``Q-YYYY-NNNNN``, priced now, valid for ``valid_days``."""
    actor.require("negotiations:write")
    moment = now or utcnow()
    quotation = Quotation(
        customer_id=customer_id,
        status="draft",
        notes=notes,
        priced_at=moment,
        valid_until=moment + timedelta(days=valid_days),
        lines=[],
    )
    await _price_into(session, actor, quotation, lines, Decimal(0))
    quotation.number = await next_number(session, "Q", now=moment)
    session.add(quotation)
    await session.flush()
    record_audit(
        session,
        actor,
        action="quotation.create",
        entity_type="quotation",
        entity_id=quotation.id,
        after=_snapshot(quotation),
    )
    emit_event(
        session,
        "quotation.created",
        entity_type="quotation",
        entity_id=quotation.id,
        payload={"number": quotation.number, "total_gross": quotation.total_gross},
    )
    return quotation


async def create_quotation_from(session: AsyncSession, actor: Actor, *, data: QuotationCreate) -> Quotation:
    """:func:`create_quotation` from its input model."""
    return await create_quotation(
        session,
        actor,
        customer_id=data.customer_id,
        lines=data.lines,
        valid_days=data.valid_days,
        notes=data.notes,
    )


async def _move(
    session: AsyncSession, actor: Actor, quotation: Quotation, target: str, *, now: datetime, **fields: Any
) -> Quotation:
    check_transition("quotation", quotation.status, target, TRANSITIONS)
    before = _snapshot(quotation)
    quotation.status = target
    for key, value in fields.items():
        setattr(quotation, key, value)
    quotation.updated_at = now
    await session.flush()
    record_audit(
        session,
        actor,
        action=f"quotation.{target}",
        entity_type="quotation",
        entity_id=quotation.id,
        before=before,
        after=_snapshot(quotation),
    )
    emit_event(
        session,
        f"quotation.{target}",
        entity_type="quotation",
        entity_id=quotation.id,
        payload={"number": quotation.number, "from": before["status"]},
    )
    return quotation


async def send_quotation(session: AsyncSession, actor: Actor, quotation_id: uuid.UUID) -> Quotation:
    """Mark a draft as sent to the customer (records ``sent_at``)."""
    actor.require("documents:send")
    quotation = await get_quotation(session, quotation_id, for_update=True)
    now = utcnow()
    return await _move(session, actor, quotation, "sent", now=now, sent_at=now)


async def reject_quotation(
    session: AsyncSession, actor: Actor, quotation_id: uuid.UUID, *, reason: str = ""
) -> Quotation:
    """The customer declined a sent quotation."""
    actor.require("negotiations:write")
    quotation = await get_quotation(session, quotation_id, for_update=True)
    now = utcnow()
    return await _move(
        session, actor, quotation, "rejected", now=now, rejected_at=now, rejection_reason=reason
    )


async def accept_quotation(
    session: AsyncSession, actor: Actor, quotation_id: uuid.UUID, *, now: datetime | None = None
) -> Quotation:
    """The customer accepted a sent quotation: it becomes accepted and a pending order is created at its prices."""
    from parley.tools.orders.service import create_order_from_quotation

    actor.require("negotiations:write", "orders:write")
    quotation = await get_quotation(session, quotation_id, for_update=True)
    moment = now or utcnow()
    check_transition("quotation", quotation.status, "accepted", TRANSITIONS)
    if moment >= quotation.valid_until:
        raise BusinessRuleViolated(
            f"quotation {quotation.number} expired on {quotation.valid_until.date().isoformat()}",
            code="BIZ_QUOTATION_EXPIRED",
        )
    order = await create_order_from_quotation(session, actor, quotation)
    return await _move(
        session, actor, quotation, "accepted", now=moment, accepted_at=moment, order_id=order.id
    )


async def expire_quotations(session: AsyncSession, actor: Actor, *, now: datetime) -> list[str]:
    """Expire every sent quotation whose validity ended by ``now``; a scheduled job calls this. Returns numbers."""
    due = list(
        await session.scalars(
            select(Quotation)
            .where(Quotation.status == "sent", Quotation.valid_until <= now)
            .with_for_update()
        )
    )
    for quotation in due:
        await _move(session, actor, quotation, "expired", now=now, expired_at=now)
    return [quotation.number for quotation in due]


async def reprice_quotation(
    session: AsyncSession, actor: Actor, quotation: Quotation, *, manual_percent: Decimal
) -> Quotation:
    """Apply a manual discount percent on top of the rules (draft or sent only)."""
    if quotation.status not in ("draft", "sent"):
        raise BusinessRuleViolated(
            f"a {quotation.status} quotation cannot be re-priced",
            code="BIZ_INVALID_TRANSITION",
            details={"from": quotation.status, "to": quotation.status, "allowed": []},
        )
    await _price_into(session, actor, quotation, _line_inputs(quotation), manual_percent)
    quotation.updated_at = utcnow()
    await session.flush()
    return quotation


async def list_quotations(
    session: AsyncSession, actor: Actor, *, filters: QuotationFilter
) -> Page[QuotationOut]:
    """One page of quotations."""
    actor.require("negotiations:read")
    statement = select(Quotation)
    if filters.status is not None:
        statement = statement.where(Quotation.status == filters.status)
    if filters.customer_id is not None:
        statement = statement.where(Quotation.customer_id == filters.customer_id)
    if filters.search:
        statement = statement.where(Quotation.number.ilike(f"%{filters.search}%"))
    statement = apply_sort(statement, filters.sort, _SORT, default="-created_at")
    params = ListParams(page=filters.page, limit=filters.limit, sort=filters.sort, search=None, fields=None)
    rows, info = await paginate(session, statement, params)
    return Page[QuotationOut](items=[quotation_out(row) for row in rows], pagination=info)
