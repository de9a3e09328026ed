"""The business modules' routes, generated from the operation registry (products, customers, stock)."""

from __future__ import annotations

from parley.api.operations import operations_router
from parley.tools.registry import OPERATIONS

__all__ = ["router"]

router = operations_router(OPERATIONS)
