"""The database after a conversation, compared with the scenario's expected end state.

Only the named fields are compared, so a scenario says what must hold (the order is still pending, no
approval was created) without pinning what does not matter (timestamps, ids).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.evals.fixtures import product_id
from parley.evals.sandbox import Sandbox
from parley.evals.scenario import EndState
from parley.tools.approvals.models import Approval
from parley.tools.orders.models import Order
from parley.tools.quotations.models import Quotation
from parley.tools.stock.models import StockLevel

__all__ = ["approvals_count", "check_end_state", "stock_available"]

#: Hand-offs to a person are approval records too (``handover_escalation``); scenarios check them as
#: ``escalated``, so "approvals" counts the requests to approve an action (a discount, a price override).
_ACTION_APPROVALS = select(func.count()).select_from(Approval).where(Approval.type != "handover_escalation")
_COUNTED = {
    "orders": select(func.count()).select_from(Order),
    "quotations": select(func.count()).select_from(Quotation),
    "approvals": _ACTION_APPROVALS,
}


async def approvals_count(sandbox: Sandbox) -> int:
    """How many action approvals the shop holds (a turn that created one raised this count)."""
    async with sandbox.runtime.db.session(sandbox.tenant_id) as session:
        return int(await session.scalar(_ACTION_APPROVALS) or 0)


async def stock_available(sandbox: Sandbox, sku: str) -> int:
    """Units of a SKU on hand and not reserved, as the shop sees it now."""
    async with sandbox.runtime.db.session(sandbox.tenant_id) as session:
        return int((await _stock(session, sku))["available"])


def _same(actual: Any, wanted: Any) -> bool:
    """Equal as numbers when both are numbers (``3`` and ``Decimal("3.0000")``), else as text."""
    try:
        return Decimal(str(actual)) == Decimal(str(wanted))
    except InvalidOperation:
        return str(actual) == str(wanted)


def _differences(kind: str, actual: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    return [
        f"{kind}.{key}: expected {value!r}, got {actual.get(key)!r}"
        for key, value in wanted.items()
        if not _same(actual.get(key), value)
    ]


async def _stock(session: AsyncSession, sku: str) -> dict[str, Any]:
    level = await session.scalar(
        select(StockLevel).where(StockLevel.product_id == await product_id(session, sku))
    )
    if level is None:
        return {"on_hand": 0, "reserved": 0, "available": 0}
    return {"on_hand": level.on_hand, "reserved": level.reserved, "available": level.on_hand - level.reserved}


async def check_end_state(sandbox: Sandbox, expected: EndState) -> list[str]:
    """Every way the shop's final state differs from the expected one (empty when it matches)."""
    problems: list[str] = []
    async with sandbox.runtime.db.session(sandbox.tenant_id) as session:
        for ref, wanted in expected.orders.items():
            order = await session.get(Order, sandbox.refs[f"order_id:{ref}"])
            actual = {key: getattr(order, key, None) for key in wanted}
            problems += _differences(f"order {ref}", actual, wanted)
        for sku, wanted_stock in expected.stock.items():
            problems += _differences(f"stock {sku}", await _stock(session, sku), dict(wanted_stock))
        for kind, count in expected.counts.items():
            actual_count = int(await session.scalar(_COUNTED[kind]) or 0)
            if actual_count != count:
                problems.append(f"{kind}: expected {count}, got {actual_count}")
    return problems
