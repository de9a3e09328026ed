"""Invoice tables: invoices and credit notes (one table, two series) with their lines."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parley.core.db import Base, TimestampMixin, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped
from parley.core.types import ExactDecimal, UTCDateTime
from parley.tools.pricing.lines import PricedLineColumns, TotalsColumns

__all__ = ["Invoice", "InvoiceLine"]


class Invoice(UUIDPrimaryKey, TimestampMixin, TotalsColumns, TenantScoped, Base):
    """An invoice (``INV-``) or a credit note (``CN-``, negative lines mirroring a cancelled invoice)."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="invoice", index=True)
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"), index=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    credit_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invoices.id"))
    status: Mapped[str] = mapped_column(String(16), default="issued", index=True)
    amount_paid: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lines: Mapped[list[InvoiceLine]] = relationship(
        order_by="InvoiceLine.position", cascade="all, delete-orphan", lazy="selectin"
    )


class InvoiceLine(UUIDPrimaryKey, PricedLineColumns, TenantScoped, Base):
    """One line of an invoice or credit note."""

    __tablename__ = "invoice_lines"

    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
