"""Invoice and payment operations, declared once for REST, the agent and MCP."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.listing import Page
from parley.tools.documents import RenderedPdf, names_for, pdf_response
from parley.tools.invoices import service
from parley.tools.invoices.schemas import (
    Allocation,
    InvoiceCancel,
    InvoiceCreate,
    InvoiceFilter,
    InvoiceId,
    InvoiceOut,
    InvoicePayment,
    PaymentCreate,
    PaymentOut,
)
from parley.tools.operation import Operation, tagged_operations
from parley.tools.pdf import render_document_pdf

__all__ = ["OPERATIONS"]

_BASE = "/api/v1/invoices"
_TAGS = ("invoices",)
_out = service.invoice_out


class Cancelled(BaseModel):
    """The cancelled invoice and the credit note that mirrors it."""

    invoice: InvoiceOut
    credit_note: InvoiceOut


class InvoicePaid(BaseModel):
    """A payment and the invoice it went to."""

    payment: PaymentOut
    invoice: InvoiceOut


async def _create(session: AsyncSession, actor: Actor, data: InvoiceCreate) -> InvoiceOut:
    return _out(await service.issue_invoice(session, actor, order_id=data.order_id, due_days=data.due_days))


async def _list(session: AsyncSession, actor: Actor, data: InvoiceFilter) -> Page[InvoiceOut]:
    return await service.list_invoices(session, actor, filters=data)


async def _get(session: AsyncSession, actor: Actor, data: InvoiceId) -> InvoiceOut:
    actor.require("documents:read")
    return _out(await service.get_invoice(session, data.invoice_id))


async def _send(session: AsyncSession, actor: Actor, data: InvoiceId) -> InvoiceOut:
    return _out(await service.send_invoice(session, actor, data.invoice_id))


async def _cancel(session: AsyncSession, actor: Actor, data: InvoiceCancel) -> Cancelled:
    invoice, credit = await service.cancel_invoice(session, actor, data.invoice_id, reason=data.reason)
    return Cancelled(invoice=_out(invoice), credit_note=_out(credit))


async def _pay_one(session: AsyncSession, actor: Actor, data: InvoicePayment) -> InvoicePaid:
    actor.require("payments:write")
    invoice = await service.get_invoice(session, data.invoice_id)
    payment = await service.pay(
        session,
        actor,
        customer_id=invoice.customer_id,
        amount=data.amount,
        method=data.method,
        reference=data.reference,
        allocations=[Allocation(invoice_id=invoice.id, amount=data.amount)],
    )
    return InvoicePaid(payment=payment, invoice=_out(await service.get_invoice(session, data.invoice_id)))


async def _pay(session: AsyncSession, actor: Actor, data: PaymentCreate) -> PaymentOut:
    return await service.pay(
        session,
        actor,
        customer_id=data.customer_id,
        amount=data.amount,
        method=data.method,
        reference=data.reference,
        allocations=data.allocations,
    )


async def _pdf(session: AsyncSession, actor: Actor, data: InvoiceId) -> RenderedPdf:
    actor.require("documents:read")
    invoice = await service.get_invoice(session, data.invoice_id)
    business, customer = await names_for(session, actor.tenant_id, invoice.customer_id)
    content = render_document_pdf(
        title="Credit note" if invoice.kind == "credit_note" else "Invoice",
        number=invoice.number,
        business=business,
        customer=customer,
        facts=[
            ("Status", invoice.status),
            ("Issued", invoice.issued_at.date().isoformat()),
            ("Due", invoice.due_at.date().isoformat()),
        ],
        lines=invoice.lines,
        vat_breakdown=invoice.vat_breakdown,
        totals=invoice,
        currency=invoice.currency,
    )
    return RenderedPdf.of(invoice.number, content)


_op = tagged_operations(_TAGS)


_ID = f"{_BASE}/{{invoice_id}}"

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    _op(
        "search_invoices",
        "List invoices and credit notes, optionally by status, kind, customer or order.",
        InvoiceFilter,
        Page[InvoiceOut],
        "documents:read",
        "GET",
        _BASE,
        _list,
    ),
    _op(
        "create_invoice",
        "Invoice a confirmed, fulfilled or delivered order at its prices.",
        InvoiceCreate,
        InvoiceOut,
        "documents:write",
        "POST",
        _BASE,
        _create,
        events=("invoice.issued",),
        status_code=201,
    ),
    _op(
        "get_invoice",
        "Get one invoice or credit note with lines, totals, amount paid and balance.",
        InvoiceId,
        InvoiceOut,
        "documents:read",
        "GET",
        _ID,
        _get,
    ),
    _op(
        "send_invoice",
        "Record that an invoice was sent to the customer.",
        InvoiceId,
        InvoiceOut,
        "documents:send",
        "POST",
        f"{_ID}/send",
        _send,
        events=("invoice.sent",),
    ),
    _op(
        "cancel_invoice",
        "Cancel an unpaid invoice; issues a credit note that mirrors it.",
        InvoiceCancel,
        Cancelled,
        "payments:write",
        "POST",
        f"{_ID}/cancel",
        _cancel,
        events=("invoice.cancelled", "credit_note.issued"),
    ),
    _op(
        "pay_invoice",
        "Record a payment of all or part of one invoice.",
        InvoicePayment,
        InvoicePaid,
        "payments:write",
        "POST",
        f"{_ID}/payments",
        _pay_one,
        events=("payment.recorded", "invoice.paid"),
        status_code=201,
    ),
    _op(
        "get_invoice_pdf",
        "The invoice or credit note as a PDF document.",
        InvoiceId,
        RenderedPdf,
        "documents:read",
        "GET",
        f"{_ID}/pdf",
        _pdf,
        rest_response=pdf_response,
    ),
    _op(
        "record_payment",
        "Record money from a customer, allocated to one or more of their invoices.",
        PaymentCreate,
        PaymentOut,
        "payments:write",
        "POST",
        "/api/v1/payments",
        _pay,
        events=("payment.recorded", "invoice.paid"),
        status_code=201,
        tags=("payments",),
    ),
)
