"""Quotation tables: the quotation with its totals, and its priced lines."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parley.core.db import Base, TimestampMixin, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped
from parley.core.types import UTCDateTime
from parley.tools.pricing.lines import PricedLineColumns, TotalsColumns

__all__ = ["Quotation", "QuotationLine"]


class Quotation(UUIDPrimaryKey, TimestampMixin, TotalsColumns, TenantScoped, Base):
    """A priced offer to a customer, valid until a date."""

    __tablename__ = "quotations"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    number: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    priced_at: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str] = mapped_column(String(500), default="")
    order_id: Mapped[uuid.UUID | None] = mapped_column()
    lines: Mapped[list[QuotationLine]] = relationship(
        order_by="QuotationLine.position", cascade="all, delete-orphan", lazy="selectin"
    )


class QuotationLine(UUIDPrimaryKey, PricedLineColumns, TenantScoped, Base):
    """One priced line of a quotation."""

    __tablename__ = "quotation_lines"

    quotation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("quotations.id", ondelete="CASCADE"), index=True
    )
