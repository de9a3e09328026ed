"""Invoice service: issue from an order, send, take payments (partial ones too), overdue, cancel with a credit note.

Numbers: ``INV-YYYY-NNNNN`` and ``CN-YYYY-NNNNN``, gapless per tenant even under concurrency
(:mod:`parley.tools.numbering.service`). Lines and totals are the order's, so the invoice repeats the order's
rounding (:mod:`parley.tools.pricing.money`); a credit note mirrors every line with negative amounts.

States: ``issued -> partially_paid | paid | overdue | cancelled``, ``partially_paid -> paid | overdue``,
``overdue -> paid | cancelled``; ``paid`` and ``cancelled`` are final. A part payment of an overdue invoice
leaves it overdue. Only an invoice with nothing paid can be cancelled. Illegal moves are 409
``BIZ_INVALID_TRANSITION`` and change nothing.
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
from parley.core.errors import BusinessRuleViolated, Conflict, NotFound, ValidationFailed
from parley.core.events import emit_event
from parley.core.listing import ListParams, Page, apply_sort, paginate
from parley.tools.invoices.models import Invoice, InvoiceLine
from parley.tools.invoices.schemas import Allocation, InvoiceFilter, InvoiceOut, PaymentOut
from parley.tools.numbering.service import next_number
from parley.tools.orders.service import get_order
from parley.tools.payments.models import PaymentAllocation
from parley.tools.payments.service import record_payment
from parley.tools.pricing.money import ZERO
from parley.tools.states import check_transition

__all__ = [
    "TRANSITIONS",
    "cancel_invoice",
    "get_invoice",
    "invoice_out",
    "issue_invoice",
    "list_invoices",
    "mark_overdue",
    "pay",
    "send_invoice",
]

TRANSITIONS: dict[str, frozenset[str]] = {
    "issued": frozenset({"partially_paid", "paid", "overdue", "cancelled"}),
    "partially_paid": frozenset({"paid", "overdue"}),
    "overdue": frozenset({"paid", "cancelled"}),
    "paid": frozenset(),
    "cancelled": frozenset(),
}
_INVOICEABLE = {"confirmed", "fulfilled", "delivered"}
_LINE_FIELDS = (
    "position",
    "product_id",
    "sku",
    "name",
    "quantity",
    "unit_list_price",
    "discount_percent",
    "unit_net_price",
    "vat_rate",
    "applied_rules",
)
_SORT = {
    "issued_at": Invoice.issued_at,
    "number": Invoice.number,
    "due_at": Invoice.due_at,
    "total_gross": Invoice.total_gross,
}


def invoice_out(invoice: Invoice) -> InvoiceOut:
    """The invoice as callers see it."""
    data = {c: getattr(invoice, c) for c in InvoiceOut.model_fields if c not in ("balance", "lines")}
    data["lines"] = [line for line in invoice.lines]
    data["balance"] = invoice.total_gross - invoice.amount_paid
    return InvoiceOut.model_validate(data, from_attributes=True)


def _snapshot(invoice: Invoice) -> dict[str, Any]:
    return invoice_out(invoice).model_dump(mode="json", exclude={"lines"})


async def get_invoice(session: AsyncSession, invoice_id: uuid.UUID, *, for_update: bool = False) -> Invoice:
    """An invoice or credit note of this business, or :class:`NotFound`."""
    statement = select(Invoice).where(Invoice.id == invoice_id)
    if for_update:
        statement = statement.with_for_update()
    invoice = await session.scalar(statement)
    if invoice is None:
        raise NotFound("no such invoice", details={"invoice_id": str(invoice_id)})
    return invoice


def _audit(
    session: AsyncSession, actor: Actor, invoice: Invoice, action: str, before: dict[str, Any] | None
) -> None:
    record_audit(
        session,
        actor,
        action=f"invoice.{action}",
        entity_type="invoice",
        entity_id=invoice.id,
        before=before,
        after=_snapshot(invoice),
    )


async def issue_invoice(
    session: AsyncSession,
    actor: Actor,
    *,
    order_id: uuid.UUID,
    due_days: int = 30,
    now: datetime | None = None,
) -> Invoice:
    """Invoice an order at its prices; one open invoice per order."""
    actor.require("documents:write")
    order = await get_order(session, order_id, for_update=True)
    if order.status not in _INVOICEABLE:
        raise BusinessRuleViolated(
            f"a {order.status} order cannot be invoiced",
            code="BIZ_ORDER_NOT_INVOICEABLE",
            details={"status": order.status},
        )
    existing = await session.scalar(
        select(Invoice.number).where(
            Invoice.order_id == order.id, Invoice.kind == "invoice", Invoice.status != "cancelled"
        )
    )
    if existing:
        raise Conflict(f"order {order.number} is invoiced already ({existing})", code="BIZ_ALREADY_INVOICED")
    moment = now or utcnow()
    invoice = Invoice(
        number=await next_number(session, "INV", now=moment),
        kind="invoice",
        order_id=order.id,
        customer_id=order.customer_id,
        status="issued",
        amount_paid=ZERO,
        issued_at=moment,
        due_at=moment + timedelta(days=due_days),
        currency=order.currency,
        discount_percent=order.discount_percent,
        total_discount=order.total_discount,
        total_net=order.total_net,
        total_vat=order.total_vat,
        total_gross=order.total_gross,
        vat_breakdown=list(order.vat_breakdown),
        lines=[
            InvoiceLine(
                **{f: getattr(line, f) for f in _LINE_FIELDS},
                line_net=line.line_net,
                vat_amount=line.vat_amount,
                line_gross=line.line_gross,
            )
            for line in order.lines
        ],
    )
    session.add(invoice)
    await session.flush()
    _audit(session, actor, invoice, "issue", None)
    emit_event(
        session,
        "invoice.issued",
        entity_type="invoice",
        entity_id=invoice.id,
        payload={"number": invoice.number, "order_id": order.id, "total_gross": invoice.total_gross},
    )
    return invoice


async def send_invoice(session: AsyncSession, actor: Actor, invoice_id: uuid.UUID) -> Invoice:
    """Record that the invoice went to the customer (its status does not change)."""
    actor.require("documents:send")
    invoice = await get_invoice(session, invoice_id, for_update=True)
    if invoice.status == "cancelled":
        raise BusinessRuleViolated(
            "a cancelled invoice cannot be sent",
            code="BIZ_INVALID_TRANSITION",
            details={"from": "cancelled", "to": "sent", "allowed": []},
        )
    before = _snapshot(invoice)
    invoice.sent_at = utcnow()
    await session.flush()
    _audit(session, actor, invoice, "send", before)
    emit_event(
        session,
        "invoice.sent",
        entity_type="invoice",
        entity_id=invoice.id,
        payload={"number": invoice.number},
    )
    return invoice


async def _settle(
    session: AsyncSession,
    actor: Actor,
    invoice: Invoice,
    amount: Decimal,
    payment_id: uuid.UUID,
    now: datetime,
) -> None:
    if invoice.kind != "invoice" or invoice.status in ("paid", "cancelled"):
        raise BusinessRuleViolated(
            f"invoice {invoice.number} is {invoice.status}; it takes no payment",
            code="BIZ_INVOICE_NOT_PAYABLE",
            details={"status": invoice.status},
        )
    balance = invoice.total_gross - invoice.amount_paid
    if amount > balance:
        raise ValidationFailed(
            f"{amount} is more than the {balance} still due on {invoice.number}",
            field="amount",
            details={"balance": str(balance)},
        )
    before = _snapshot(invoice)
    target = "paid" if amount == balance else ("overdue" if invoice.status == "overdue" else "partially_paid")
    if target != invoice.status:
        check_transition("invoice", invoice.status, target, TRANSITIONS)
    invoice.amount_paid += amount
    invoice.status = target
    if target == "paid":
        invoice.paid_at = now
    session.add(
        PaymentAllocation(payment_id=payment_id, invoice_id=invoice.id, amount=amount, created_at=now)
    )
    await session.flush()
    _audit(session, actor, invoice, "payment", before)
    if target == "paid":
        emit_event(
            session,
            "invoice.paid",
            entity_type="invoice",
            entity_id=invoice.id,
            payload={"number": invoice.number},
        )


async def pay(
    session: AsyncSession,
    actor: Actor,
    *,
    customer_id: uuid.UUID,
    amount: Decimal,
    allocations: list[Allocation],
    method: str = "",
    reference: str = "",
) -> PaymentOut:
    """Record money received and allocate it to invoices of that customer (partial payments allowed)."""
    from parley.tools.customers.service import get_customer
    from parley.tools.products.service import tenant_currency

    actor.require("payments:write")
    await get_customer(session, customer_id)
    allocated = sum((a.amount for a in allocations), ZERO)
    if allocated > amount:
        raise ValidationFailed("the allocations add up to more than the payment", field="allocations")
    invoices = []
    for allocation in allocations:
        invoice = await get_invoice(session, allocation.invoice_id, for_update=True)
        if invoice.customer_id != customer_id:
            raise ValidationFailed(f"invoice {invoice.number} is another customer's", field="allocations")
        invoices.append((invoice, allocation.amount))
    now = utcnow()
    payment = await record_payment(
        session,
        actor,
        customer_id=customer_id,
        amount=amount,
        currency=await tenant_currency(session, actor.tenant_id),
        method=method,
        reference=reference,
        received_at=now,
    )
    for invoice, share in invoices:
        await _settle(session, actor, invoice, share, payment.id, now)
    out = PaymentOut.model_validate(payment, from_attributes=True)
    return out.model_copy(update={"allocated": allocated})


async def mark_overdue(session: AsyncSession, actor: Actor, *, now: datetime) -> list[str]:
    """Mark every unpaid invoice past its due date overdue; a scheduled job calls this. Returns numbers."""
    due = list(
        await session.scalars(
            select(Invoice)
            .where(Invoice.status.in_(("issued", "partially_paid")), Invoice.due_at <= now)
            .with_for_update()
        )
    )
    for invoice in due:
        before = _snapshot(invoice)
        check_transition("invoice", invoice.status, "overdue", TRANSITIONS)
        invoice.status = "overdue"
        await session.flush()
        _audit(session, actor, invoice, "overdue", before)
        emit_event(
            session,
            "invoice.overdue",
            entity_type="invoice",
            entity_id=invoice.id,
            payload={"number": invoice.number},
        )
    return [invoice.number for invoice in due]


async def cancel_invoice(
    session: AsyncSession, actor: Actor, invoice_id: uuid.UUID, *, reason: str
) -> tuple[Invoice, Invoice]:
    """Cancel an invoice with nothing paid, and issue the credit note (``CN-``) that mirrors it negatively."""
    actor.require("payments:write")
    invoice = await get_invoice(session, invoice_id, for_update=True)
    if invoice.kind != "invoice":
        raise BusinessRuleViolated(
            "a credit note cannot be cancelled",
            code="BIZ_INVALID_TRANSITION",
            details={"from": invoice.status, "to": "cancelled", "allowed": []},
        )
    check_transition("invoice", invoice.status, "cancelled", TRANSITIONS)
    if invoice.amount_paid:
        raise BusinessRuleViolated(
            f"{invoice.amount_paid} is paid on {invoice.number}; refund it first",
            code="BIZ_INVOICE_HAS_PAYMENTS",
        )
    before = _snapshot(invoice)
    now = utcnow()
    invoice.status = "cancelled"
    invoice.cancelled_at = now
    credit = Invoice(
        number=await next_number(session, "CN", now=now),
        kind="credit_note",
        order_id=invoice.order_id,
        customer_id=invoice.customer_id,
        credit_of_id=invoice.id,
        status="issued",
        amount_paid=ZERO,
        issued_at=now,
        due_at=now,
        currency=invoice.currency,
        discount_percent=invoice.discount_percent,
        total_discount=-invoice.total_discount,
        total_net=-invoice.total_net,
        total_vat=-invoice.total_vat,
        total_gross=-invoice.total_gross,
        vat_breakdown=[
            {**g, "net": str(-Decimal(g["net"])), "vat": str(-Decimal(g["vat"]))}
            for g in invoice.vat_breakdown
        ],
        lines=[
            InvoiceLine(
                **{f: getattr(line, f) for f in _LINE_FIELDS},
                line_net=-line.line_net,
                vat_amount=-line.vat_amount,
                line_gross=-line.line_gross,
            )
            for line in invoice.lines
        ],
    )
    for line in credit.lines:
        line.quantity = -line.quantity
    session.add(credit)
    await session.flush()
    _audit(session, actor, invoice, "cancel", before | {"reason": reason})
    _audit(session, actor, credit, "credit_note", None)
    emit_event(
        session,
        "invoice.cancelled",
        entity_type="invoice",
        entity_id=invoice.id,
        payload={"number": invoice.number, "reason": reason, "credit_note": credit.number},
    )
    emit_event(
        session,
        "credit_note.issued",
        entity_type="invoice",
        entity_id=credit.id,
        payload={"number": credit.number, "credit_of": invoice.number},
    )
    return invoice, credit


async def list_invoices(session: AsyncSession, actor: Actor, *, filters: InvoiceFilter) -> Page[InvoiceOut]:
    """One page of invoices and credit notes."""
    actor.require("documents:read")
    statement = select(Invoice)
    for name in ("status", "kind", "customer_id", "order_id"):
        value = getattr(filters, name)
        if value is not None:
            statement = statement.where(getattr(Invoice, name) == value)
    statement = apply_sort(statement, filters.sort, _SORT, default="-issued_at")
    params = ListParams(page=filters.page, limit=filters.limit, sort=filters.sort, search=None, fields=None)
    rows, info = await paginate(session, statement, params)
    return Page[InvoiceOut](items=[invoice_out(row) for row in rows], pagination=info)
