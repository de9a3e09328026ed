"""Order tables: the order with its totals, and its priced lines."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parley.core.db import Base, TimestampMixin, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped
from parley.core.types import UTCDateTime
from parley.tools.pricing.lines import PricedLineColumns, TotalsColumns

__all__ = ["Order", "OrderLine"]


class Order(UUIDPrimaryKey, TimestampMixin, TotalsColumns, TenantScoped, Base):
    """A customer's order, numbered ``ORD-YYYY-NNNNN``."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    number: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    quotation_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    shipping_address: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payment_method: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lines: Mapped[list[OrderLine]] = relationship(
        order_by="OrderLine.position", cascade="all, delete-orphan", lazy="selectin"
    )


class OrderLine(UUIDPrimaryKey, PricedLineColumns, TenantScoped, Base):
    """One priced line of an order; ``returned_quantity`` counts units sent back or exchanged."""

    __tablename__ = "order_lines"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="sale")
    returned_quantity: Mapped[int] = mapped_column(Integer, default=0)
    reservation_id: Mapped[uuid.UUID | None] = mapped_column()
