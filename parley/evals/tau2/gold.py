"""The end state τ² itself reaches, on a projection both shops can be read into.

τ² and Parley record the same facts differently (τ² marks a return as "return requested", Parley takes the
items back and refunds them), so both are read into one shape: per order its status group, the items the
customer keeps, its payment method and address; per user the address. τ²'s write tools are applied to that
shape as the τ² environment applies them to its database.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from parley.evals.tau2.data import Footprint

__all__ = ["WRITES", "apply_gold", "expected_state", "initial_state", "status_group"]

WRITES = frozenset(
    {
        "cancel_pending_order",
        "modify_pending_order_address",
        "modify_pending_order_items",
        "modify_pending_order_payment",
        "modify_user_address",
        "return_delivered_order_items",
        "exchange_delivered_order_items",
    }
)
_GROUPS = {
    "pending (item modified)": "pending",
    "return requested": "delivered",
    "exchange requested": "delivered",
    "confirmed": "processed",
    "fulfilled": "processed",
    "returned": "delivered",
}
# τ²'s write tools refuse an order in any other status and leave the database as it was.
_NEEDS = {
    "cancel_pending_order": "pending",
    "modify_pending_order_address": "pending",
    "modify_pending_order_items": "pending",
    "modify_pending_order_payment": "pending",
    "return_delivered_order_items": "delivered",
    "exchange_delivered_order_items": "delivered",
}
_ADDRESS = ("address1", "address2", "city", "state", "country", "zip")


def status_group(status: str) -> str:
    """τ² and Parley statuses folded into pending, processed, delivered and cancelled."""
    return _GROUPS.get(status, status)


def address(fields: dict[str, Any]) -> dict[str, str]:
    """The six address fields both shops keep."""
    return {key: str(fields.get(key) or "") for key in _ADDRESS}


def initial_state(db: dict[str, Any], scope: Footprint) -> dict[str, Any]:
    """The projection of the τ² shop before the task."""
    orders = {}
    for order_id in sorted(scope.orders):
        order = db["orders"][order_id]
        orders[order_id] = {
            "status": status_group(order["status"]),
            "kept": sorted(item["item_id"] for item in order["items"]),
            "payment": order["payment_history"][0]["payment_method_id"] if order["payment_history"] else "",
            "address": address(order["address"]),
        }
    users = {uid: {"address": address(db["users"][uid]["address"])} for uid in sorted(scope.users)}
    return {"orders": orders, "users": users}


def _swap(kept: list[str], old: list[str], new: list[str]) -> list[str]:
    remaining = Counter(kept) - Counter(old)
    return sorted([*remaining.elements(), *new])


def apply_gold(state: dict[str, Any], name: str, args: dict[str, Any]) -> dict[str, Any]:
    """The projection after one τ² write tool call (read tools and refused calls change nothing)."""
    after = copy.deepcopy(state)
    order = after["orders"].get(args.get("order_id", ""), {})
    if name in _NEEDS and order.get("status") != _NEEDS[name]:
        return after
    if name == "cancel_pending_order":
        order["status"] = "cancelled"
    elif name == "modify_pending_order_address":
        order["address"] = address(args)
    elif name == "modify_pending_order_items":
        order["kept"] = _swap(order["kept"], args["item_ids"], args["new_item_ids"])
    elif name == "modify_pending_order_payment":
        order["payment"] = args["payment_method_id"]
    elif name == "modify_user_address":
        after["users"][args["user_id"]]["address"] = address(args)
    elif name == "return_delivered_order_items":
        order["kept"] = _swap(order["kept"], args["item_ids"], [])
    elif name == "exchange_delivered_order_items":
        order["kept"] = _swap(order["kept"], args["item_ids"], args["new_item_ids"])
    return after


def expected_state(db: dict[str, Any], task: dict[str, Any], scope: Footprint) -> dict[str, Any]:
    """The projection τ² reaches by replaying the task's reference actions: what any agent must reach."""
    state = initial_state(db, scope)
    for action in task["evaluation_criteria"]["actions"]:
        if action["name"] in WRITES:
            state = apply_gold(state, action["name"], action["arguments"])
    return state
