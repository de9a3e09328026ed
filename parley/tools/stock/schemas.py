"""Typed inputs and outputs of the stock operations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "LowStockFilter",
    "MovementOut",
    "ReservationId",
    "ReservationOut",
    "StockAdjust",
    "StockOut",
    "StockQuery",
    "StockReserve",
]

_FORBID = ConfigDict(extra="forbid")


class StockQuery(BaseModel):
    """Stock of one product."""

    model_config = _FORBID

    product_id: uuid.UUID = Field(description="The product's id.")


class StockAdjust(BaseModel):
    """Set, add or subtract units on hand, with the reason for the ledger."""

    model_config = _FORBID

    product_id: uuid.UUID
    mode: Literal["set", "add", "subtract"]
    quantity: int = Field(ge=0, le=1_000_000_000)
    reason: str = Field(min_length=1, max_length=255)
    min_level: int | None = Field(None, ge=0, le=1_000_000_000)
    reorder_point: int | None = Field(None, ge=0, le=1_000_000_000)


class StockReserve(BaseModel):
    """Hold units of a product for a while (for a quotation or an order being placed)."""

    model_config = _FORBID

    product_id: uuid.UUID = Field(description="The product's id.")
    quantity: int = Field(ge=1, le=1_000_000, description="Whole units to hold.")
    hold_minutes: int = Field(60, ge=1, le=60 * 24 * 30, description="Minutes until the hold lapses.")
    reference: str = Field("", max_length=128, description="Quotation, order or conversation it is for.")


class ReservationId(BaseModel):
    """One reservation."""

    model_config = _FORBID

    reservation_id: uuid.UUID


class LowStockFilter(BaseModel):
    """No arguments: every product at or below its reorder point."""

    model_config = _FORBID


class StockOut(BaseModel):
    """A product's stock."""

    product_id: uuid.UUID
    on_hand: int
    reserved: int
    available: int
    min_level: int
    reorder_point: int
    status: Literal["ok", "low", "out"]


class ReservationOut(BaseModel):
    """A hold on stock."""

    id: uuid.UUID
    product_id: uuid.UUID
    quantity: int
    status: Literal["active", "released", "expired"]
    reference: str
    expires_at: datetime
    available_after: int | None = None


class MovementOut(BaseModel):
    """One ledger line."""

    id: uuid.UUID
    kind: str
    quantity: int
    quantity_before: int
    quantity_after: int
    reason: str
    reservation_id: uuid.UUID | None
    actor_kind: str
    created_at: datetime
