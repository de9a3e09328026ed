"""The pricing-rules table."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from parley.core.db import Base, TimestampMixin, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped
from parley.core.types import ExactDecimal, UTCDateTime

__all__ = ["PricingRule"]


class PricingRule(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """A discount rule: a percent off the list price when its conditions and schedule hold."""

    __tablename__ = "pricing_rules"

    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    percent: Mapped[Decimal] = mapped_column(ExactDecimal())
    priority: Mapped[int] = mapped_column(Integer, default=0)
    stackable: Mapped[bool] = mapped_column(Boolean, default=True)
    max_discount_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    min_quantity: Mapped[int | None] = mapped_column(Integer)
    customer_tier: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(128))
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
