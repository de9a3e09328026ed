"""Typed inputs and outputs of the pricing operations."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parley.tools.pricing.money import Money, Precise

__all__ = [
    "AppliedRuleOut",
    "CalculateIn",
    "CalculateOut",
    "LineIn",
    "PricedLineOut",
    "RuleCreate",
    "RuleFilter",
    "RuleId",
    "RuleOut",
    "RuleUpdate",
    "Thresholds",
    "ThresholdsIn",
    "ThresholdsUpdate",
    "VatGroupOut",
]

Kind = Literal["quantity_break", "customer_tier", "category", "seasonal"]
Tier = Literal["bronze", "silver", "gold"]
Percent = Decimal
_FORBID = ConfigDict(extra="forbid")
_PCT = {"ge": 0, "le": 100, "max_digits": 7, "decimal_places": 4}


class LineIn(BaseModel):
    """A product (by id or SKU) in a quantity."""

    model_config = _FORBID

    product_id: uuid.UUID | None = Field(None, description="The product's id (or give sku).")
    sku: str | None = Field(None, min_length=1, max_length=96, description="The product's SKU (or give id).")
    quantity: int = Field(ge=1, le=1_000_000, description="Whole units.")

    @model_validator(mode="after")
    def _one_reference(self) -> LineIn:
        if (self.product_id is None) == (self.sku is None):
            raise ValueError("give exactly one of product_id or sku")
        return self


class CalculateIn(BaseModel):
    """Lines to price, optionally for a customer (their tier's rules apply) and at a moment (default now)."""

    model_config = _FORBID

    customer_id: uuid.UUID | None = Field(None, description="The customer, so their tier's prices apply.")
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    at: datetime | None = Field(None, description="Price as of this moment (default now).")


class AppliedRuleOut(BaseModel):
    """One rule's part of a line's discount (amount is for the whole line)."""

    name: str
    kind: str
    percent: Precise
    amount: Money
    rule_id: uuid.UUID | None = None


class PricedLineOut(BaseModel):
    """A priced line."""

    product_id: uuid.UUID
    sku: str
    name: str
    quantity: int
    unit_list_price: Precise
    applied_rules: list[AppliedRuleOut]
    discount_percent: Precise
    unit_net_price: Precise
    line_net: Money
    vat_rate: Precise
    vat_amount: Money
    line_gross: Money


class VatGroupOut(BaseModel):
    """Net and VAT of the lines with one rate."""

    rate: Precise
    net: Money
    vat: Money


class CalculateOut(BaseModel):
    """Priced lines and totals; totals are the sums of the rounded lines."""

    currency: str
    customer_id: uuid.UUID | None
    customer_tier: str | None
    lines: list[PricedLineOut]
    total_discount: Money
    total_net: Money
    total_vat: Money
    total_gross: Money
    vat_breakdown: list[VatGroupOut]


class RuleCreate(BaseModel):
    """A pricing rule; its kind says which condition it needs."""

    model_config = _FORBID

    name: str = Field(min_length=1, max_length=128)
    kind: Kind
    percent: Decimal = Field(gt=0, **_PCT)  # type: ignore[arg-type]
    priority: int = Field(0, ge=-1000, le=1000, description="Higher first.")
    stackable: bool = True
    max_discount_percent: Decimal | None = Field(None, **_PCT)  # type: ignore[arg-type]
    min_quantity: int | None = Field(None, ge=1, le=1_000_000)
    customer_tier: Tier | None = None
    category: str | None = Field(None, min_length=1, max_length=128)
    product_id: uuid.UUID | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    active: bool = True

    @model_validator(mode="after")
    def _kind_condition(self) -> RuleCreate:
        needed = {
            "quantity_break": self.min_quantity is not None,
            "customer_tier": self.customer_tier is not None,
            "category": self.category is not None,
            "seasonal": self.valid_from is not None and self.valid_to is not None,
        }[self.kind]
        if not needed:
            field = {
                "quantity_break": "min_quantity",
                "customer_tier": "customer_tier",
                "category": "category",
                "seasonal": "valid_from and valid_to",
            }[self.kind]
            raise ValueError(f"a {self.kind} rule needs {field}")
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        return self


class RuleUpdate(BaseModel):
    """Changes to a rule; omitted fields stay as they are."""

    model_config = _FORBID

    rule_id: uuid.UUID
    name: str | None = Field(None, min_length=1, max_length=128)
    percent: Decimal | None = Field(None, gt=0, **_PCT)  # type: ignore[arg-type]
    priority: int | None = Field(None, ge=-1000, le=1000)
    stackable: bool | None = None
    max_discount_percent: Decimal | None = Field(None, **_PCT)  # type: ignore[arg-type]
    min_quantity: int | None = Field(None, ge=1, le=1_000_000)
    customer_tier: Tier | None = None
    category: str | None = Field(None, min_length=1, max_length=128)
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    active: bool | None = None


class RuleId(BaseModel):
    """One pricing rule."""

    model_config = _FORBID

    rule_id: uuid.UUID


class RuleFilter(BaseModel):
    """Filters of the rule list."""

    model_config = _FORBID

    kind: Kind | None = None
    active: bool | None = None


class RuleOut(BaseModel):
    """A pricing rule."""

    id: uuid.UUID
    name: str
    kind: str
    percent: Precise
    priority: int
    stackable: bool
    max_discount_percent: Decimal | None
    min_quantity: int | None
    customer_tier: str | None
    category: str | None
    product_id: uuid.UUID | None
    valid_from: datetime | None
    valid_to: datetime | None
    active: bool
    created_at: datetime
    updated_at: datetime


class Thresholds(BaseModel):
    """Largest discount percent each customer tier and each role may get or give without approval."""

    tiers: dict[str, Decimal]
    roles: dict[str, Decimal]


class ThresholdsIn(BaseModel):
    """No arguments: the business's discount thresholds."""

    model_config = _FORBID


class ThresholdsUpdate(BaseModel):
    """New thresholds; given keys replace, others stay."""

    model_config = _FORBID

    tiers: dict[Tier, Decimal] = Field(default_factory=dict)
    roles: dict[Literal["admin", "sales_manager", "sales_rep", "viewer", "agent"], Decimal] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _percents(self) -> ThresholdsUpdate:
        for value in [*self.tiers.values(), *self.roles.values()]:
            if not Decimal(0) <= value <= Decimal(100):
                raise ValueError("thresholds are percents between 0 and 100")
        return self
