"""Payment records: money received (positive) and refunds paid out (negative), with an event each.

Allocation to invoices lives in :mod:`parley.tools.invoices.service`; this module only writes the money.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.core.events import emit_event
from parley.tools.payments.models import Payment

__all__ = ["record_payment"]


async def record_payment(
    session: AsyncSession,
    actor: Actor,
    *,
    customer_id: uuid.UUID,
    amount: Decimal,
    currency: str,
    kind: str = "payment",
    method: str = "",
    order_id: uuid.UUID | None = None,
    reference: str = "",
    received_at: datetime | None = None,
) -> Payment:
    """Write one payment (or, with a negative amount, a refund) with audit and a ``payment.recorded`` event."""
    payment = Payment(
        customer_id=customer_id,
        order_id=order_id,
        kind=kind,
        amount=amount,
        currency=currency,
        method=method,
        reference=reference,
        received_at=received_at or utcnow(),
    )
    session.add(payment)
    await session.flush()
    snapshot = {
        "customer_id": customer_id,
        "order_id": order_id,
        "kind": kind,
        "amount": amount,
        "currency": currency,
        "method": method,
        "reference": reference,
    }
    record_audit(
        session, actor, action="payment.record", entity_type="payment", entity_id=payment.id, after=snapshot
    )
    emit_event(session, "payment.recorded", entity_type="payment", entity_id=payment.id, payload=snapshot)
    return payment
