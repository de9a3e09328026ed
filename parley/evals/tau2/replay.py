"""Replaying a τ² task's reference actions through Parley's operations and checking the end state.

This is the check that Parley can do everything τ² retail asks: if replaying the gold actions reaches
τ²'s own end state, an agent driving Parley's tools can too, and its score is comparable with τ²'s.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.errors import BusinessRuleViolated, Conflict
from parley.demo.seed import seed_actor
from parley.evals.sandbox import Sandbox, ShopTemplate
from parley.evals.tau2.data import Footprint, Tau2Data, footprint
from parley.evals.tau2.gold import WRITES, address, expected_state, status_group
from parley.evals.tau2.shop import Imported, import_slice
from parley.tools.customers.models import Customer
from parley.tools.orders.service import get_order
from parley.tools.orders.tau2 import WRITE_TOOLS
from parley.tools.registry import operation

__all__ = ["differences", "parley_arguments", "parley_state", "replay_all", "replay_task"]


def _kept_lines(order: Any) -> Counter[str]:
    kept: Counter[str] = Counter()
    for line in order.lines:
        kept[line.sku] += line.quantity - line.returned_quantity
    return +kept


async def parley_arguments(
    session: AsyncSession, name: str, args: dict[str, Any], ids: Imported
) -> dict[str, Any]:
    """The Parley operation's input for a τ² write tool call (see ``parley.tools.orders.tau2``)."""
    if name == "modify_user_address":
        fields = {k: v for k, v in args.items() if k != "user_id"}
        return {"customer_id": ids.customers[args["user_id"]], "address": fields}
    order_id = ids.orders[args["order_id"]]
    if name == "cancel_pending_order":
        return {"order_id": order_id, "reason": args["reason"]}
    if name == "modify_pending_order_address":
        return {"order_id": order_id, "shipping_address": {k: v for k, v in args.items() if k != "order_id"}}
    if name == "modify_pending_order_payment":
        return {"order_id": order_id, "payment_method": args["payment_method_id"]}
    if name == "modify_pending_order_items":
        kept = _kept_lines(await get_order(session, order_id))
        kept.subtract(args["item_ids"])
        kept.update(args["new_item_ids"])
        lines = [{"sku": sku, "quantity": quantity} for sku, quantity in sorted((+kept).items())]
        return {"order_id": order_id, "lines": lines}
    if name == "return_delivered_order_items":
        counts = Counter(args["item_ids"])
        items = [{"product_id": ids.products[sku], "quantity": n} for sku, n in sorted(counts.items())]
        return {"order_id": order_id, "items": items, "refund_method": args["payment_method_id"]}
    pairs = zip(args["item_ids"], args["new_item_ids"], strict=True)
    items = [
        {"product_id": ids.products[old], "quantity": 1, "new_product_id": ids.products[new]}
        for old, new in pairs
    ]
    return {"order_id": order_id, "items": items, "payment_method": args["payment_method_id"]}


async def _call(session: AsyncSession, actor: Actor, name: str, args: dict[str, Any], ids: Imported) -> None:
    op = operation(WRITE_TOOLS[name])
    await op.handler(
        session, actor, op.input.model_validate(await parley_arguments(session, name, args, ids))
    )


async def parley_state(session: AsyncSession, ids: Imported, scope: Footprint) -> dict[str, Any]:
    """The Parley shop read into the projection ``gold`` compares (see :mod:`parley.evals.tau2.gold`)."""
    orders = {}
    for tau_id in sorted(scope.orders):
        order = await get_order(session, ids.orders[tau_id])
        orders[tau_id] = {
            "status": status_group(order.status),
            "kept": sorted(_kept_lines(order).elements()),
            "payment": order.payment_method,
            "address": address(order.shipping_address or {}),
        }
    users = {}
    for uid in sorted(scope.users):
        customer = await session.get(Customer, ids.customers[uid])
        users[uid] = {"address": address(getattr(customer, "address", None) or {})}
    return {"orders": orders, "users": users}


def differences(gold: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Every field where Parley's end state is not τ²'s, as a readable line; empty when they agree."""
    found = []
    for kind in ("orders", "users"):
        for key, wanted in gold[kind].items():
            for field_name, value in wanted.items():
                got = actual[kind].get(key, {}).get(field_name)
                if got != value:
                    found.append(f"{kind[:-1]} {key} {field_name}: τ² {value!r}, Parley {got!r}")
    return found


async def replay_task(sandbox: Sandbox, data: Tau2Data, task: dict[str, Any]) -> list[str]:
    """Import the task's slice, replay its gold actions in Parley and in the τ² model; the differences."""
    scope = footprint(data.db, task)
    actor = seed_actor(sandbox.tenant_id)
    async with sandbox.runtime.db.transaction(sandbox.tenant_id) as session:
        ids = await import_slice(session, actor, data.db, scope)
    for action in task["evaluation_criteria"]["actions"]:
        if action["name"] not in WRITES:
            continue
        try:
            async with sandbox.runtime.db.transaction(sandbox.tenant_id) as session:
                await _call(session, actor, action["name"], action["arguments"], ids)
        except (BusinessRuleViolated, Conflict):  # refused as τ² refuses it: nothing changes
            continue
    async with sandbox.runtime.db.session(sandbox.tenant_id) as session:
        return differences(expected_state(data.db, task, scope), await parley_state(session, ids, scope))


async def replay_all(template: ShopTemplate, data: Tau2Data, task_ids: list[str]) -> dict[str, list[str]]:
    """Replay tasks one by one, each in a fresh copy of the template; task id → differences (or the error)."""
    results: dict[str, list[str]] = {}
    for task_id in task_ids:
        async with template.open(f"tau2-{task_id}") as sandbox:
            try:
                results[task_id] = await replay_task(sandbox, data, data.task(task_id))
            except Exception as exc:  # one broken task must not hide the others' results
                results[task_id] = [f"error: {type(exc).__name__}: {exc}"]
    return results
