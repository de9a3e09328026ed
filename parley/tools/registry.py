"""Every business operation, in route order (static paths before ``{id}`` paths of the same prefix)."""

from __future__ import annotations

from typing import Any

from parley.tools.customers.operations import OPERATIONS as _CUSTOMERS
from parley.tools.operation import Operation
from parley.tools.products.operations import OPERATIONS as _PRODUCTS
from parley.tools.stock.operations import OPERATIONS as _STOCK

__all__ = ["OPERATIONS", "operation"]

OPERATIONS: tuple[Operation[Any, Any], ...] = (*_PRODUCTS, *_CUSTOMERS, *_STOCK)

_BY_NAME = {op.name: op for op in OPERATIONS}
if len(_BY_NAME) != len(OPERATIONS):
    raise RuntimeError("two operations share a name")


def operation(name: str) -> Operation[Any, Any]:
    """The operation of this name (KeyError when there is none)."""
    return _BY_NAME[name]
