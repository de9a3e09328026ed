"""Typed inputs and outputs of the order operations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.tools.customers.schemas import Address
from parley.tools.pricing.lines import DocumentLineOut
from parley.tools.pricing.money import Money, Precise
from parley.tools.pricing.schemas import LineIn, VatGroupOut

__all__ = [
    "Address",
    "ExchangeItem",
    "OrderAddressChange",
    "OrderCancel",
    "OrderCreate",
    "OrderExchange",
    "OrderFilter",
    "OrderId",
    "OrderItemsChange",
    "OrderLineOut",
    "OrderOut",
    "OrderPaymentChange",
    "OrderReturn",
    "OrderStatus",
    "ReturnItem",
    "StatsIn",
    "StatsOut",
]

OrderStatus = Literal["pending", "confirmed", "fulfilled", "delivered", "returned", "cancelled"]
_FORBID = ConfigDict(extra="forbid")


class OrderCreate(BaseModel):
    """A direct order: lines priced by the pricing rules now."""

    model_config = _FORBID

    customer_id: uuid.UUID = Field(description="The customer ordering.")
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    shipping_address: Address | None = None
    payment_method: str = Field("", max_length=64, description="e.g. bank_transfer, card, paypal.")
    notes: str = Field("", max_length=5_000)


class OrderId(BaseModel):
    """One order."""

    model_config = _FORBID

    order_id: uuid.UUID = Field(description="The order's id.")


class OrderCancel(BaseModel):
    """Cancel a pending or confirmed order."""

    model_config = _FORBID

    order_id: uuid.UUID
    reason: str = Field(min_length=1, max_length=500, description="Why, e.g. 'no longer needed'.")


class OrderItemsChange(BaseModel):
    """New lines for a pending order (they replace the old ones and are re-priced)."""

    model_config = _FORBID

    order_id: uuid.UUID
    lines: list[LineIn] = Field(min_length=1, max_length=200)


class OrderAddressChange(BaseModel):
    """A new shipping address for a pending order."""

    model_config = _FORBID

    order_id: uuid.UUID
    shipping_address: Address


class OrderPaymentChange(BaseModel):
    """A new payment method for a pending order."""

    model_config = _FORBID

    order_id: uuid.UUID
    payment_method: str = Field(min_length=1, max_length=64)


class ReturnItem(BaseModel):
    """Units of one delivered product to send back."""

    model_config = _FORBID

    product_id: uuid.UUID
    quantity: int = Field(ge=1, le=1_000_000)


class OrderReturn(BaseModel):
    """Return items of a delivered order; the refund goes to ``refund_method`` (default the order's)."""

    model_config = _FORBID

    order_id: uuid.UUID
    items: list[ReturnItem] = Field(min_length=1, max_length=200)
    refund_method: str | None = Field(None, max_length=64)


class ExchangeItem(BaseModel):
    """Units of one delivered product to swap for another product."""

    model_config = _FORBID

    product_id: uuid.UUID
    quantity: int = Field(ge=1, le=1_000_000)
    new_product_id: uuid.UUID


class OrderExchange(BaseModel):
    """Exchange items of a delivered order; a price difference is recorded as a payment or refund."""

    model_config = _FORBID

    order_id: uuid.UUID
    items: list[ExchangeItem] = Field(min_length=1, max_length=200)
    payment_method: str | None = Field(None, max_length=64)


class OrderFilter(BaseModel):
    """Filters, sort and page of the order list."""

    model_config = _FORBID

    status: OrderStatus | None = None
    customer_id: uuid.UUID | None = None
    search: str | None = Field(None, max_length=64, description="Part of the number.")
    sort: str | None = Field(None, max_length=200)
    page: int = Field(1, ge=1, le=1_000_000)
    limit: int = Field(20, ge=1, le=100)


class OrderLineOut(DocumentLineOut):
    """An order line."""

    kind: str
    returned_quantity: int


class OrderOut(BaseModel):
    """An order with its lines and totals."""

    id: uuid.UUID
    number: str
    customer_id: uuid.UUID
    quotation_id: uuid.UUID | None
    status: OrderStatus
    currency: str
    shipping_address: dict[str, str]
    payment_method: str
    notes: str
    cancel_reason: str
    discount_percent: Precise
    lines: list[OrderLineOut]
    total_discount: Money
    total_net: Money
    total_vat: Money
    total_gross: Money
    vat_breakdown: list[VatGroupOut]
    confirmed_at: datetime | None
    fulfilled_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime


class StatsIn(BaseModel):
    """Period of the order statistics (default everything)."""

    model_config = _FORBID

    date_from: datetime | None = None
    date_to: datetime | None = None
    period: Literal["day", "month", "year"] = "month"
    top: int = Field(5, ge=1, le=50)


class StatusStats(BaseModel):
    """Orders and revenue (gross) in one status."""

    status: str
    count: int
    revenue: Money


class PeriodStats(BaseModel):
    """Orders and revenue (gross, cancelled excluded) in one period."""

    period: str
    count: int
    revenue: Money


class TopProduct(BaseModel):
    """A product by units sold (cancelled orders excluded)."""

    product_id: uuid.UUID | None
    sku: str
    name: str
    quantity: int
    revenue_net: Money


class StatsOut(BaseModel):
    """Order statistics."""

    currency: str
    total_count: int
    total_revenue: Money
    average_order_value: Money
    by_status: list[StatusStats]
    by_period: list[PeriodStats]
    top_products: list[TopProduct]
