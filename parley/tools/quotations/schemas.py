"""Typed inputs and outputs of the quotation operations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.tools.pricing.lines import DocumentLineOut
from parley.tools.pricing.money import Money, Precise
from parley.tools.pricing.schemas import LineIn, VatGroupOut

__all__ = [
    "QuotationCreate",
    "QuotationFilter",
    "QuotationId",
    "QuotationOut",
    "QuotationReject",
    "QuotationStatus",
]

QuotationStatus = Literal["draft", "sent", "accepted", "rejected", "expired"]
_FORBID = ConfigDict(extra="forbid")


class QuotationCreate(BaseModel):
    """A quotation for a customer; its lines are priced by the pricing rules now."""

    model_config = _FORBID

    customer_id: uuid.UUID = Field(description="The customer it is for.")
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    valid_days: int = Field(30, ge=1, le=365, description="Days the offer holds.")
    notes: str = Field("", max_length=5_000)


class QuotationId(BaseModel):
    """One quotation."""

    model_config = _FORBID

    quotation_id: uuid.UUID = Field(description="The quotation's id.")


class QuotationReject(BaseModel):
    """The customer declines a sent quotation."""

    model_config = _FORBID

    quotation_id: uuid.UUID
    reason: str = Field("", max_length=500)


class QuotationFilter(BaseModel):
    """Filters, sort and page of the quotation list."""

    model_config = _FORBID

    status: QuotationStatus | None = None
    customer_id: uuid.UUID | None = None
    search: str | None = Field(None, max_length=64, description="Part of the number.")
    sort: str | None = Field(None, max_length=200)
    page: int = Field(1, ge=1, le=1_000_000)
    limit: int = Field(20, ge=1, le=100)


class QuotationOut(BaseModel):
    """A quotation with its lines and totals."""

    id: uuid.UUID
    number: str
    customer_id: uuid.UUID
    status: QuotationStatus
    currency: str
    notes: str
    valid_until: datetime
    sent_at: datetime | None
    accepted_at: datetime | None
    rejected_at: datetime | None
    expired_at: datetime | None
    rejection_reason: str
    order_id: uuid.UUID | None
    discount_percent: Precise
    lines: list[DocumentLineOut]
    total_discount: Money
    total_net: Money
    total_vat: Money
    total_gross: Money
    vat_breakdown: list[VatGroupOut]
    created_at: datetime
