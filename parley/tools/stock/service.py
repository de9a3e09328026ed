"""Stock service: levels, a ledger of every movement, and reservations that can never oversell.

A reservation is one conditional UPDATE (``reserved = reserved + q WHERE on_hand - reserved >= q``) whose row
count says whether it won, so concurrent reservations cannot take more than is available on any backend.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.core.errors import BusinessRuleViolated, NotFound
from parley.core.events import emit_event
from parley.tools.stock.models import StockLevel, StockMovement, StockReservation
from parley.tools.stock.schemas import MovementOut, ReservationOut, StockOut

__all__ = [
    "adjust_stock",
    "get_stock",
    "list_low_stock",
    "list_movements",
    "release_expired_reservations",
    "release_reservation",
    "reserve_stock",
    "stock_view",
]


def stock_view(product_id: uuid.UUID, level: StockLevel | None) -> StockOut:
    """Levels with what is available and a status; a product never stocked has zeros."""
    on_hand, reserved = (level.on_hand, level.reserved) if level else (0, 0)
    min_level, reorder = (level.min_level, level.reorder_point) if level else (0, 0)
    available = on_hand - reserved
    status = "out" if available <= 0 else "low" if available <= max(reorder, min_level) else "ok"
    return StockOut(
        product_id=product_id,
        on_hand=on_hand,
        reserved=reserved,
        available=available,
        min_level=min_level,
        reorder_point=reorder,
        status=status,
    )


async def _product(session: AsyncSession, product_id: uuid.UUID) -> Any:
    from parley.tools.products.service import get_product

    return await get_product(session, product_id)


async def _level(session: AsyncSession, product_id: uuid.UUID, *, lock: bool = False) -> StockLevel | None:
    statement = select(StockLevel).where(StockLevel.product_id == product_id)
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


def _movement(
    session: AsyncSession,
    actor: Actor,
    product_id: uuid.UUID,
    kind: str,
    quantity: int,
    before: int,
    **extra: Any,
) -> StockMovement:
    movement = StockMovement(
        product_id=product_id,
        kind=kind,
        quantity=quantity,
        quantity_before=before,
        quantity_after=before + quantity,
        actor_kind=actor.kind.value,
        actor_id=actor.id,
        created_at=utcnow(),
        **extra,
    )
    session.add(movement)
    return movement


def _announce(session: AsyncSession, view: StockOut, was_available: int) -> None:
    """Tell listeners when stock falls to the reorder point, and when a product goes in or out of stock.

    The second keeps the knowledge index's "in stock" filter true.
    """
    if view.available <= view.reorder_point < was_available:
        emit_event(
            session,
            "product.low_stock",
            entity_type="product",
            entity_id=view.product_id,
            payload=view.model_dump(mode="json"),
        )
    if (view.available > 0) != (was_available > 0):
        emit_event(
            session,
            "product.stock_changed",
            entity_type="product",
            entity_id=view.product_id,
            payload={"available": view.available, "was_available": was_available},
        )


async def get_stock(session: AsyncSession, actor: Actor, product_id: uuid.UUID) -> StockOut:
    """The stock of one product."""
    actor.require("stock:read")
    await _product(session, product_id)
    return stock_view(product_id, await _level(session, product_id))


async def adjust_stock(
    session: AsyncSession,
    actor: Actor,
    product_id: uuid.UUID,
    *,
    mode: str,
    quantity: int,
    reason: str,
    min_level: int | None = None,
    reorder_point: int | None = None,
) -> StockOut:
    """Count stock in or out; units on hand never drop below what is reserved."""
    actor.require("stock:write")
    await _product(session, product_id)
    level = await _level(session, product_id, lock=True)
    if level is None:
        level = StockLevel(product_id=product_id, on_hand=0, reserved=0, min_level=0, reorder_point=0)
        session.add(level)
        await session.flush()
    before_view = stock_view(product_id, level)
    target = {"set": quantity, "add": level.on_hand + quantity, "subtract": level.on_hand - quantity}[mode]
    if target < level.reserved:
        raise BusinessRuleViolated(
            f"only {level.on_hand - level.reserved} units are free; {level.reserved} are reserved",
            code="BIZ_INSUFFICIENT_STOCK",
            details={"on_hand": level.on_hand, "reserved": level.reserved, "requested_on_hand": target},
        )
    kind = {"set": "adjustment", "add": "in", "subtract": "out"}[mode]
    if target != level.on_hand:
        _movement(session, actor, product_id, kind, target - level.on_hand, level.on_hand, reason=reason)
    level.on_hand = target
    if min_level is not None:
        level.min_level = min_level
    if reorder_point is not None:
        level.reorder_point = reorder_point
    level.updated_at = utcnow()
    await session.flush()
    view = stock_view(product_id, level)
    record_audit(
        session,
        actor,
        action="stock.adjust",
        entity_type="stock",
        entity_id=product_id,
        before=before_view.model_dump(),
        after=view.model_dump() | {"reason": reason},
    )
    _announce(session, view, before_view.available)
    return view


def _reservation_out(reservation: StockReservation, available: int | None = None) -> ReservationOut:
    out = ReservationOut.model_validate(reservation, from_attributes=True)
    return out.model_copy(update={"available_after": available})


async def reserve_stock(
    session: AsyncSession,
    actor: Actor,
    product_id: uuid.UUID,
    *,
    quantity: int,
    hold_minutes: int = 60,
    reference: str = "",
    now: datetime | None = None,
) -> ReservationOut:
    """Hold units atomically; 409 ``BIZ_INSUFFICIENT_STOCK`` when fewer are available."""
    actor.require("stock:reserve")
    await _product(session, product_id)
    moment = now or utcnow()
    result = await session.execute(
        update(StockLevel)
        .where(StockLevel.product_id == product_id, StockLevel.on_hand - StockLevel.reserved >= quantity)
        .values(reserved=StockLevel.reserved + quantity, updated_at=moment)
        .returning(StockLevel.reserved)
        .execution_options(synchronize_session=False)
    )
    reserved_after = result.scalar_one_or_none()
    if reserved_after is None:
        level = await _level(session, product_id)
        available = stock_view(product_id, level).available
        raise BusinessRuleViolated(
            f"only {max(available, 0)} units available, {quantity} requested",
            code="BIZ_INSUFFICIENT_STOCK",
            details={"available": max(available, 0), "requested": quantity},
        )
    reservation = StockReservation(
        product_id=product_id,
        quantity=quantity,
        status="active",
        reference=reference,
        expires_at=moment + timedelta(minutes=hold_minutes),
    )
    session.add(reservation)
    await session.flush()
    _movement(
        session,
        actor,
        product_id,
        "reservation",
        quantity,
        reserved_after - quantity,
        reason=reference,
        reservation_id=reservation.id,
    )
    level = await _level(session, product_id)
    await session.refresh(level)
    view = stock_view(product_id, level)
    out = _reservation_out(reservation, view.available)
    record_audit(
        session,
        actor,
        action="stock.reserve",
        entity_type="stock_reservation",
        entity_id=reservation.id,
        after=out.model_dump(exclude={"id", "expires_at"}),
    )
    _announce(session, view, view.available + quantity)
    return out


async def _release(
    session: AsyncSession, actor: Actor, reservation: StockReservation, *, status: str, now: datetime
) -> ReservationOut:
    result = await session.execute(
        update(StockLevel)
        .where(StockLevel.product_id == reservation.product_id, StockLevel.reserved >= reservation.quantity)
        .values(reserved=StockLevel.reserved - reservation.quantity, updated_at=now)
        .returning(StockLevel.reserved)
        .execution_options(synchronize_session=False)
    )
    reserved_after = result.scalar_one()
    before = _reservation_out(reservation).model_dump(exclude={"id", "expires_at"})
    reservation.status = status
    reservation.released_at = now
    _movement(
        session,
        actor,
        reservation.product_id,
        "release",
        -reservation.quantity,
        reserved_after + reservation.quantity,
        reason=status,
        reservation_id=reservation.id,
    )
    await session.flush()
    view = stock_view(reservation.product_id, await _level(session, reservation.product_id))
    _announce(session, view, view.available - reservation.quantity)
    out = _reservation_out(reservation)
    record_audit(
        session,
        actor,
        action=f"stock.{'release' if status == 'released' else 'expire'}",
        entity_type="stock_reservation",
        entity_id=reservation.id,
        before=before,
        after=out.model_dump(exclude={"id", "expires_at"}),
    )
    return out


async def release_reservation(
    session: AsyncSession, actor: Actor, reservation_id: uuid.UUID
) -> ReservationOut:
    """Give held units back; releasing twice is refused."""
    actor.require("stock:reserve")
    reservation = await session.scalar(
        select(StockReservation).where(StockReservation.id == reservation_id).with_for_update()
    )
    if reservation is None:
        raise NotFound("no such reservation", details={"reservation_id": str(reservation_id)})
    if reservation.status != "active":
        raise BusinessRuleViolated(
            f"the reservation is {reservation.status} already", code="BIZ_RESERVATION_NOT_ACTIVE"
        )
    return await _release(session, actor, reservation, status="released", now=utcnow())


async def release_expired_reservations(session: AsyncSession, actor: Actor, *, now: datetime) -> int:
    """Release every active reservation whose hold lapsed by ``now``; a scheduled job calls this."""
    expired = list(
        await session.scalars(
            select(StockReservation)
            .where(StockReservation.status == "active", StockReservation.expires_at <= now)
            .with_for_update()
        )
    )
    for reservation in expired:
        await _release(session, actor, reservation, status="expired", now=now)
    return len(expired)


async def list_low_stock(session: AsyncSession, actor: Actor) -> list[StockOut]:
    """Products whose available stock is at or below their reorder point."""
    from parley.tools.products.models import Product

    actor.require("stock:read")
    levels = await session.scalars(
        select(StockLevel)
        .join(Product, Product.id == StockLevel.product_id)
        .where(
            Product.deleted_at.is_(None), StockLevel.on_hand - StockLevel.reserved <= StockLevel.reorder_point
        )
    )
    return [stock_view(level.product_id, level) for level in levels]


async def list_movements(session: AsyncSession, actor: Actor, product_id: uuid.UUID) -> list[MovementOut]:
    """The ledger of one product, oldest first."""
    actor.require("stock:read")
    await _product(session, product_id)
    rows = await session.scalars(
        select(StockMovement).where(StockMovement.product_id == product_id).order_by(StockMovement.created_at)
    )
    return [MovementOut.model_validate(row, from_attributes=True) for row in rows]
