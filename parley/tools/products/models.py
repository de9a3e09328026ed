"""The catalog table."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.core.db import Base, TimestampMixin, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped
from parley.core.types import ExactDecimal, UTCDateTime

__all__ = ["Product"]


class Product(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """A sellable item; deleted products keep their row (``deleted_at``) for history but are never found."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("tenant_id", "sku"),)

    sku: Mapped[str] = mapped_column(String(96))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(128), default="", index=True)
    unit: Mapped[str] = mapped_column(String(32), default="pcs")
    price: Mapped[Decimal] = mapped_column(ExactDecimal())
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    vat_rate: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
