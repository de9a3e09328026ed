"""Typed inputs and outputs of the discount operations."""

from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["OrderDiscount", "QuotationDiscount"]

_FORBID = ConfigDict(extra="forbid")
_PERCENT = {"gt": 0, "le": 100, "max_digits": 7, "decimal_places": 4}


class QuotationDiscount(BaseModel):
    """A discount percent on a draft or sent quotation, on top of the pricing rules."""

    model_config = _FORBID

    quotation_id: uuid.UUID = Field(description="The quotation's id.")
    percent: Decimal = Field(description="Percent off every line after the rules.", **_PERCENT)  # type: ignore[arg-type]
    reason: str = Field("", max_length=500)


class OrderDiscount(BaseModel):
    """A discount percent on a pending order, on top of the pricing rules."""

    model_config = _FORBID

    order_id: uuid.UUID = Field(description="The order's id.")
    percent: Decimal = Field(description="Percent off every line after the rules.", **_PERCENT)  # type: ignore[arg-type]
    reason: str = Field("", max_length=500)
