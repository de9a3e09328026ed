"""The customers table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parley.core.db import Base, TimestampMixin, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped

__all__ = ["Customer"]


class Customer(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """A business customer the agent and staff serve."""

    __tablename__ = "customers"

    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    company: Mapped[str] = mapped_column(String(255), default="")
    tier: Mapped[str] = mapped_column(String(16), default="bronze")
    notes: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
