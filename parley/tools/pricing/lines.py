"""Priced lines and totals as stored on quotations, orders and invoices (one shape for every document)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from parley.core.types import ExactDecimal
from parley.tools.pricing import engine
from parley.tools.pricing.money import Money, Precise
from parley.tools.pricing.schemas import AppliedRuleOut, VatGroupOut

__all__ = ["DocumentLineOut", "PricedLineColumns", "TotalsColumns", "fill_line", "fill_totals"]


class PricedLineColumns:
    """Columns of a priced line, copied from the pricing engine's result."""

    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    sku: Mapped[str] = mapped_column(String(96))
    name: Mapped[str] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_list_price: Mapped[Decimal] = mapped_column(ExactDecimal())
    discount_percent: Mapped[Decimal] = mapped_column(ExactDecimal())
    unit_net_price: Mapped[Decimal] = mapped_column(ExactDecimal())
    line_net: Mapped[Decimal] = mapped_column(ExactDecimal())
    vat_rate: Mapped[Decimal] = mapped_column(ExactDecimal())
    vat_amount: Mapped[Decimal] = mapped_column(ExactDecimal())
    line_gross: Mapped[Decimal] = mapped_column(ExactDecimal())
    applied_rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class TotalsColumns:
    """Totals of a document: sums of its rounded lines, in its currency."""

    currency: Mapped[str] = mapped_column(String(3))
    discount_percent: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    total_discount: Mapped[Decimal] = mapped_column(ExactDecimal())
    total_net: Mapped[Decimal] = mapped_column(ExactDecimal())
    total_vat: Mapped[Decimal] = mapped_column(ExactDecimal())
    total_gross: Mapped[Decimal] = mapped_column(ExactDecimal())
    vat_breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


def fill_line(row: Any, position: int, priced: engine.PricedLine) -> Any:
    """Copy a priced line onto a line row."""
    line = priced.line
    row.position = position
    row.product_id = line.product_id
    row.sku = line.sku
    row.name = line.name
    row.quantity = line.quantity
    row.unit_list_price = line.unit_list_price
    row.discount_percent = priced.discount_percent
    row.unit_net_price = priced.unit_net_price
    row.line_net = priced.line_net
    row.vat_rate = line.vat_rate
    row.vat_amount = priced.vat_amount
    row.line_gross = priced.line_gross
    row.applied_rules = [
        AppliedRuleOut(
            name=a.name, kind=a.kind, percent=a.percent, amount=a.amount, rule_id=a.rule_id
        ).model_dump(mode="json")
        for a in priced.applied_rules
    ]
    return row


def fill_totals(document: Any, priced: engine.Priced, *, currency: str) -> None:
    """Copy totals and the VAT breakdown onto a document row."""
    document.currency = currency
    document.total_discount = priced.total_discount
    document.total_net = priced.total_net
    document.total_vat = priced.total_vat
    document.total_gross = priced.total_gross
    document.vat_breakdown = [
        VatGroupOut(rate=g.rate, net=g.net, vat=g.vat).model_dump(mode="json") for g in priced.vat_breakdown
    ]


class DocumentLineOut(BaseModel):
    """A line of a quotation, order or invoice."""

    position: int
    product_id: uuid.UUID | None
    sku: str
    name: str
    quantity: int
    unit_list_price: Precise
    discount_percent: Precise
    unit_net_price: Precise
    line_net: Money
    vat_rate: Precise
    vat_amount: Money
    line_gross: Money
    applied_rules: list[AppliedRuleOut]
