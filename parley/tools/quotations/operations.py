"""Quotation operations, declared once for REST, the agent and MCP."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.listing import Page
from parley.tools.documents import RenderedPdf, names_for, pdf_response
from parley.tools.operation import Operation, tagged_operations
from parley.tools.pdf import render_document_pdf
from parley.tools.quotations import service
from parley.tools.quotations.schemas import (
    QuotationCreate,
    QuotationFilter,
    QuotationId,
    QuotationOut,
    QuotationReject,
)

__all__ = ["OPERATIONS"]

_BASE = "/api/v1/quotations"
_TAGS = ("quotations",)
_out = service.quotation_out


async def _create(session: AsyncSession, actor: Actor, data: QuotationCreate) -> QuotationOut:
    return _out(await service.create_quotation_from(session, actor, data=data))


async def _list(session: AsyncSession, actor: Actor, data: QuotationFilter) -> Page[QuotationOut]:
    return await service.list_quotations(session, actor, filters=data)


async def _get(session: AsyncSession, actor: Actor, data: QuotationId) -> QuotationOut:
    actor.require("negotiations:read")
    return _out(await service.get_quotation(session, data.quotation_id))


async def _send(session: AsyncSession, actor: Actor, data: QuotationId) -> QuotationOut:
    return _out(await service.send_quotation(session, actor, data.quotation_id))


async def _accept(session: AsyncSession, actor: Actor, data: QuotationId) -> QuotationOut:
    return _out(await service.accept_quotation(session, actor, data.quotation_id))


async def _reject(session: AsyncSession, actor: Actor, data: QuotationReject) -> QuotationOut:
    return _out(await service.reject_quotation(session, actor, data.quotation_id, reason=data.reason))


async def _pdf(session: AsyncSession, actor: Actor, data: QuotationId) -> RenderedPdf:
    actor.require("documents:read")
    quotation = await service.get_quotation(session, data.quotation_id)
    business, customer = await names_for(session, actor.tenant_id, quotation.customer_id)
    content = render_document_pdf(
        title="Quotation",
        number=quotation.number,
        business=business,
        customer=customer,
        facts=[("Status", quotation.status), ("Valid until", quotation.valid_until.date().isoformat())],
        lines=quotation.lines,
        vat_breakdown=quotation.vat_breakdown,
        totals=quotation,
        currency=quotation.currency,
    )
    return RenderedPdf.of(quotation.number, content)


_op = tagged_operations(_TAGS)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    _op(
        "search_quotations",
        "List quotations, optionally by status, customer or number. Returns one page.",
        QuotationFilter,
        Page[QuotationOut],
        "negotiations:read",
        "GET",
        _BASE,
        _list,
    ),
    _op(
        "create_quotation",
        "Create a draft quotation for a customer; lines are priced by the pricing rules.",
        QuotationCreate,
        QuotationOut,
        "negotiations:write",
        "POST",
        _BASE,
        _create,
        events=("quotation.created",),
        status_code=201,
    ),
    _op(
        "get_quotation",
        "Get one quotation with its lines, totals, VAT breakdown and status.",
        QuotationId,
        QuotationOut,
        "negotiations:read",
        "GET",
        f"{_BASE}/{{quotation_id}}",
        _get,
    ),
    _op(
        "send_quotation",
        "Mark a draft quotation as sent to the customer.",
        QuotationId,
        QuotationOut,
        "documents:send",
        "POST",
        f"{_BASE}/{{quotation_id}}/send",
        _send,
        events=("quotation.sent",),
    ),
    _op(
        "accept_quotation",
        "Record that the customer accepted a sent quotation; creates a pending order.",
        QuotationId,
        QuotationOut,
        "negotiations:write",
        "POST",
        f"{_BASE}/{{quotation_id}}/accept",
        _accept,
        events=("quotation.accepted", "order.created"),
    ),
    _op(
        "reject_quotation",
        "Record that the customer declined a sent quotation, with an optional reason.",
        QuotationReject,
        QuotationOut,
        "negotiations:write",
        "POST",
        f"{_BASE}/{{quotation_id}}/reject",
        _reject,
        events=("quotation.rejected",),
    ),
    _op(
        "get_quotation_pdf",
        "The quotation as a PDF document.",
        QuotationId,
        RenderedPdf,
        "documents:read",
        "GET",
        f"{_BASE}/{{quotation_id}}/pdf",
        _pdf,
        rest_response=pdf_response,
    ),
)
