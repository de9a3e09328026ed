"""Stock tables: one level per product, a ledger of movements, and reservations."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.core.db import Base, TimestampMixin, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped
from parley.core.types import UTCDateTime

__all__ = ["StockLevel", "StockMovement", "StockReservation"]


class StockLevel(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """How many units of a product are on hand and how many of those are promised."""

    __tablename__ = "stock_levels"
    __table_args__ = (
        UniqueConstraint("product_id"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    min_level: Mapped[int] = mapped_column(Integer, default=0)
    reorder_point: Mapped[int] = mapped_column(Integer, default=0)


class StockMovement(UUIDPrimaryKey, TenantScoped, Base):
    """One change of a level; ``quantity`` is signed, before/after are of on_hand or (for reservations) reserved."""

    __tablename__ = "stock_movements"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)
    quantity_before: Mapped[int] = mapped_column(Integer)
    quantity_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(255), default="")
    reservation_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class StockReservation(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """Units held for a customer or order until released or expired."""

    __tablename__ = "stock_reservations"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    reference: Mapped[str] = mapped_column(String(128), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
