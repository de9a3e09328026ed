"""The counters behind document numbers: one row per tenant, series and year."""

from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.core.db import Base, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped

__all__ = ["DocumentCounter"]


class DocumentCounter(UUIDPrimaryKey, TenantScoped, Base):
    """The last number given in a series and year; bumped in the transaction that creates the document."""

    __tablename__ = "document_counters"
    __table_args__ = (UniqueConstraint("tenant_id", "series", "year"),)

    series: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)
