"""Stock operations, declared once for REST, the agent and MCP."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.tools.operation import Operation
from parley.tools.stock import service
from parley.tools.stock.schemas import (
    LowStockFilter,
    MovementOut,
    ReservationId,
    ReservationOut,
    StockAdjust,
    StockOut,
    StockQuery,
    StockReserve,
)

__all__ = ["OPERATIONS"]

_BASE = "/api/v1/stock"
_TAGS = ("stock",)


class LowStock(BaseModel):
    """Products at or below their reorder point."""

    items: list[StockOut]


class Movements(BaseModel):
    """A product's stock ledger, oldest first."""

    items: list[MovementOut]


async def _alerts(session: AsyncSession, actor: Actor, _data: LowStockFilter) -> LowStock:
    return LowStock(items=await service.list_low_stock(session, actor))


async def _get(session: AsyncSession, actor: Actor, data: StockQuery) -> StockOut:
    return await service.get_stock(session, actor, data.product_id)


async def _adjust(session: AsyncSession, actor: Actor, data: StockAdjust) -> StockOut:
    return await service.adjust_stock(
        session,
        actor,
        data.product_id,
        mode=data.mode,
        quantity=data.quantity,
        reason=data.reason,
        min_level=data.min_level,
        reorder_point=data.reorder_point,
    )


async def _reserve(session: AsyncSession, actor: Actor, data: StockReserve) -> ReservationOut:
    return await service.reserve_stock(
        session,
        actor,
        data.product_id,
        quantity=data.quantity,
        hold_minutes=data.hold_minutes,
        reference=data.reference,
    )


async def _release(session: AsyncSession, actor: Actor, data: ReservationId) -> ReservationOut:
    return await service.release_reservation(session, actor, data.reservation_id)


async def _movements(session: AsyncSession, actor: Actor, data: StockQuery) -> Movements:
    return Movements(items=await service.list_movements(session, actor, data.product_id))


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="list_low_stock",
        description="List products whose available stock is at or below their reorder point.",
        input=LowStockFilter,
        output=LowStock,
        scope="stock:read",
        method="GET",
        path=f"{_BASE}/alerts",
        handler=_alerts,
        tags=_TAGS,
    ),
    Operation(
        name="check_stock",
        description="How many units of a product are on hand, reserved and available now.",
        input=StockQuery,
        output=StockOut,
        scope="stock:read",
        method="GET",
        path=f"{_BASE}/{{product_id}}",
        handler=_get,
        tags=_TAGS,
    ),
    Operation(
        name="adjust_stock",
        description="Set, add or subtract units on hand, with a reason for the ledger.",
        input=StockAdjust,
        output=StockOut,
        scope="stock:write",
        method="POST",
        path=f"{_BASE}/{{product_id}}/adjust",
        handler=_adjust,
        events=("product.low_stock", "product.stock_changed"),
        tags=_TAGS,
    ),
    Operation(
        name="reserve_stock",
        description="Hold units of a product for a customer for a while. Fails if not enough are available.",
        input=StockReserve,
        output=ReservationOut,
        scope="stock:reserve",
        method="POST",
        path=f"{_BASE}/{{product_id}}/reservations",
        handler=_reserve,
        events=("product.low_stock", "product.stock_changed"),
        status_code=201,
        tags=_TAGS,
    ),
    Operation(
        name="release_reservation",
        description="Give the units of a reservation back to available stock.",
        input=ReservationId,
        output=ReservationOut,
        scope="stock:reserve",
        method="POST",
        path=f"{_BASE}/reservations/{{reservation_id}}/release",
        handler=_release,
        events=("product.stock_changed",),
        tags=_TAGS,
    ),
    Operation(
        name="list_stock_movements",
        description="The stock ledger of a product: every movement with quantities before and after.",
        input=StockQuery,
        output=Movements,
        scope="stock:read",
        method="GET",
        path=f"{_BASE}/{{product_id}}/movements",
        handler=_movements,
        tags=_TAGS,
    ),
)
