"""Typed inputs and outputs of the invoice and payment operations."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.tools.pricing.lines import DocumentLineOut
from parley.tools.pricing.money import Money
from parley.tools.pricing.schemas import VatGroupOut

__all__ = [
    "Allocation",
    "InvoiceCancel",
    "InvoiceCreate",
    "InvoiceFilter",
    "InvoiceId",
    "InvoiceOut",
    "InvoicePayment",
    "InvoiceStatus",
    "PaymentCreate",
    "PaymentOut",
]

InvoiceStatus = Literal["issued", "partially_paid", "paid", "overdue", "cancelled"]
_FORBID = ConfigDict(extra="forbid")
_AMOUNT = {"gt": 0, "max_digits": 14, "decimal_places": 2}


class InvoiceCreate(BaseModel):
    """Invoice an order (confirmed, fulfilled or delivered) at its prices."""

    model_config = _FORBID

    order_id: uuid.UUID = Field(description="The order to invoice.")
    due_days: int = Field(30, ge=0, le=365, description="Days until payment is due.")


class InvoiceId(BaseModel):
    """One invoice or credit note."""

    model_config = _FORBID

    invoice_id: uuid.UUID = Field(description="The invoice's id.")


class InvoiceCancel(BaseModel):
    """Cancel an unpaid invoice; a credit note mirrors it."""

    model_config = _FORBID

    invoice_id: uuid.UUID
    reason: str = Field(min_length=1, max_length=500)


class InvoicePayment(BaseModel):
    """A payment of (part of) one invoice."""

    model_config = _FORBID

    invoice_id: uuid.UUID
    amount: Decimal = Field(**_AMOUNT)  # type: ignore[arg-type]
    method: str = Field("", max_length=64)
    reference: str = Field("", max_length=128)


class Allocation(BaseModel):
    """The part of a payment that settles one invoice."""

    model_config = _FORBID

    invoice_id: uuid.UUID
    amount: Decimal = Field(**_AMOUNT)  # type: ignore[arg-type]


class PaymentCreate(BaseModel):
    """Money received from a customer, allocated to one or more of their invoices (the rest stays unallocated)."""

    model_config = _FORBID

    customer_id: uuid.UUID
    amount: Decimal = Field(**_AMOUNT)  # type: ignore[arg-type]
    method: str = Field("", max_length=64)
    reference: str = Field("", max_length=128)
    allocations: list[Allocation] = Field(default_factory=list, max_length=100)


class PaymentOut(BaseModel):
    """A recorded payment (negative amounts are refunds)."""

    id: uuid.UUID
    customer_id: uuid.UUID
    order_id: uuid.UUID | None
    kind: str
    amount: Money
    currency: str
    method: str
    reference: str
    received_at: datetime
    allocated: Money = Decimal(0)


class InvoiceFilter(BaseModel):
    """Filters, sort and page of the invoice list."""

    model_config = _FORBID

    status: InvoiceStatus | None = None
    kind: Literal["invoice", "credit_note"] | None = None
    customer_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    sort: str | None = Field(None, max_length=200)
    page: int = Field(1, ge=1, le=1_000_000)
    limit: int = Field(20, ge=1, le=100)


class InvoiceOut(BaseModel):
    """An invoice or credit note with its lines, totals and what is paid."""

    id: uuid.UUID
    number: str
    kind: Literal["invoice", "credit_note"]
    order_id: uuid.UUID | None
    customer_id: uuid.UUID
    credit_of_id: uuid.UUID | None
    status: InvoiceStatus
    currency: str
    lines: list[DocumentLineOut]
    total_net: Money
    total_vat: Money
    total_gross: Money
    vat_breakdown: list[VatGroupOut]
    amount_paid: Money
    balance: Money
    issued_at: datetime
    due_at: datetime
    sent_at: datetime | None
    paid_at: datetime | None
    cancelled_at: datetime | None
