"""Every business operation, in route order (static paths before ``{id}`` paths of the same prefix)."""

from __future__ import annotations

from typing import Any

from parley.knowledge.kb.search import OPERATIONS as _KNOWLEDGE
from parley.tools.approvals.operations import OPERATIONS as _APPROVALS
from parley.tools.customers.operations import OPERATIONS as _CUSTOMERS
from parley.tools.discounts.operations import OPERATIONS as _DISCOUNTS
from parley.tools.invoices.operations import OPERATIONS as _INVOICES
from parley.tools.operation import Operation
from parley.tools.orders.operations import OPERATIONS as _ORDERS
from parley.tools.pricing.operations import OPERATIONS as _PRICING
from parley.tools.products.operations import OPERATIONS as _PRODUCTS
from parley.tools.quotations.operations import OPERATIONS as _QUOTATIONS
from parley.tools.stock.operations import OPERATIONS as _STOCK

__all__ = ["OPERATIONS", "operation"]

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    *_PRODUCTS,
    *_CUSTOMERS,
    *_STOCK,
    *_PRICING,
    *_QUOTATIONS,
    *_ORDERS,
    *_INVOICES,
    *_DISCOUNTS,
    *_APPROVALS,
    *_KNOWLEDGE,
)

_BY_NAME = {op.name: op for op in OPERATIONS}
if len(_BY_NAME) != len(OPERATIONS):
    raise RuntimeError("two operations share a name")


def operation(name: str) -> Operation[Any, Any]:
    """The operation of this name (KeyError when there is none)."""
    return _BY_NAME[name]
