"""The action guard: a business's guardrail thresholds turn an agent's write call into an approval request.

The operations keep their own limits (the agent's and the customer tier's discount thresholds). A business may
set stricter ones through ``/api/v1/ai/guardrails``: ``maxDiscountPercent`` and ``maxOrderValue`` (the order's
gross total). The agent's tools are wrapped so these are checked before the operation runs; above a limit the
call records a pending request and answers ``approval_required`` with the request's id, exactly like an
operation's own approval hook, so both engines pause the conversation the same way and nothing is changed.
Approving a deferred order runs the operation then, as the approver (:mod:`parley.hitl.decisions`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.db import Database
from parley.guardrails.settings import Thresholds
from parley.tools.approvals.service import request_approval
from parley.tools.messages import error_message
from parley.tools.registry import OPERATIONS

__all__ = ["guard_actions"]

Check = Callable[[AsyncSession, Actor, BaseModel, Thresholds], Awaitable[tuple[str, dict[str, Any]] | None]]
"""``(session, actor, input, thresholds)`` -> ``(approval type, payload)`` above a limit, else None."""


def _plain(value: float) -> Decimal:
    """A threshold as people write it: ``3``, not ``3.0``."""
    return Decimal(format(Decimal(str(value)).normalize(), "f"))


async def _discount(
    session: AsyncSession, actor: Actor, data: BaseModel, thresholds: Thresholds
) -> tuple[str, dict[str, Any]] | None:
    from parley.tools.orders.service import get_order
    from parley.tools.quotations.service import get_quotation

    limit = _plain(thresholds.max_discount_percent)
    percent: Decimal = data.percent  # type: ignore[attr-defined]
    if percent <= limit:
        return None
    kind = "quotation" if hasattr(data, "quotation_id") else "order"
    target_id = data.quotation_id if kind == "quotation" else data.order_id  # type: ignore[attr-defined]
    target = await (get_quotation if kind == "quotation" else get_order)(session, target_id)
    return "discount_approval", {
        "target_type": kind,
        "target_id": str(target.id),
        "target_number": target.number,
        "requested_percent": str(percent),
        "reason": getattr(data, "reason", ""),
        "threshold": str(limit),
        "rule": "maxDiscountPercent",
    }


async def _order_value(session: AsyncSession, actor: Actor, data: BaseModel) -> tuple[Decimal, str, Any]:
    """The gross total the call would commit the business to, its currency and the customer."""
    if hasattr(data, "quotation_id"):
        from parley.tools.quotations.service import get_quotation

        quotation = await get_quotation(session, data.quotation_id)
        return quotation.total_gross, quotation.currency, quotation.customer_id
    from parley.tools.orders.service import get_order
    from parley.tools.pricing.service import price_lines

    customer_id, percent = getattr(data, "customer_id", None), Decimal(0)
    if hasattr(data, "order_id"):  # new items for an order keep its discount
        order = await get_order(session, data.order_id)
        customer_id, percent = order.customer_id, order.discount_percent
    lines = data.lines  # type: ignore[attr-defined]
    priced = await price_lines(session, actor, customer_id=customer_id, lines=lines, manual_percent=percent)
    return priced.priced.total_gross, priced.currency, customer_id


async def _order(
    session: AsyncSession, actor: Actor, data: BaseModel, thresholds: Thresholds
) -> tuple[str, dict[str, Any]] | None:
    limit = _plain(thresholds.max_order_value)
    value, currency, customer_id = await _order_value(session, actor, data)
    if value <= limit:
        return None
    return "document_approval", {
        "order_value": str(value),
        "currency": currency,
        "max_order_value": str(limit),
        "customer_id": str(customer_id),
        "rule": "maxOrderValue",
    }


_CHECKS: dict[str, Check] = {
    "apply_quotation_discount": _discount,
    "apply_order_discount": _discount,
    "create_order": _order,
    "modify_order_items": _order,
    "accept_quotation": _order,
}


def _why(payload: dict[str, Any]) -> str:
    if payload["rule"] == "maxDiscountPercent":
        return f"a {payload['requested_percent']}% discount is above the business's {payload['threshold']}% limit"
    return (
        f"an order of {payload['order_value']} {payload['currency']} is above the business's "
        f"{payload['max_order_value']} {payload['currency']} limit"
    )


def _guarded(tool: BaseTool, check: Check, thresholds: Thresholds, *, db: Database, actor: Actor) -> BaseTool:
    operation = next(op for op in OPERATIONS if op.name == tool.name)

    async def hold(data: BaseModel) -> tuple[str, dict[str, Any]] | None:
        """The pending request recorded instead of the call (its id and payload); None within the limits."""
        async with db.transaction(actor.tenant_id) as session:
            found = await check(session, actor, data, thresholds)
            if found is None:
                return None
            approval_type, payload = found
            payload = {**payload, "operation": tool.name, "input": data.model_dump(mode="json")}
            approval = await request_approval(session, actor, type_=approval_type, payload=payload)
            return str(approval.id), payload

    async def run(**kwargs: Any) -> Any:
        try:
            data = operation.input.model_validate(kwargs)
        except ValidationError:  # the tool itself tells the model what to correct
            return await tool.ainvoke(kwargs)
        try:
            held = await hold(data)
        except Exception as exc:  # never act unchecked: the model gets the reason, as from the operation
            return error_message(tool.name, exc)
        if held is None:
            return await tool.ainvoke(kwargs)
        approval_id, payload = held
        reason = f"{_why(payload)}; approval request {approval_id} is waiting for a manager"
        answer = {"status": "approval_required", "operation": tool.name, "reason": reason}
        return json.dumps({**answer, "input": payload["input"], "approval_id": approval_id})

    return StructuredTool.from_function(
        coroutine=run,
        name=tool.name,
        description=tool.description,
        args_schema=tool.args_schema,
        handle_validation_error=getattr(tool, "handle_validation_error", None),
    )


def guard_actions(
    tools: Iterable[BaseTool], thresholds: Thresholds, *, db: Database, actor: Actor
) -> list[BaseTool]:
    """The agent's tools, with the discount and order tools checking the business's thresholds first."""
    return [
        _guarded(tool, _CHECKS[tool.name], thresholds, db=db, actor=actor) if tool.name in _CHECKS else tool
        for tool in tools
    ]
