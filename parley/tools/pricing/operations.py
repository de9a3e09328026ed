"""Pricing operations, declared once for REST, the agent and MCP."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.tools.operation import Operation
from parley.tools.pricing import service
from parley.tools.pricing.schemas import (
    CalculateIn,
    CalculateOut,
    RuleCreate,
    RuleFilter,
    RuleId,
    RuleOut,
    RuleUpdate,
    Thresholds,
    ThresholdsIn,
    ThresholdsUpdate,
)

__all__ = ["OPERATIONS"]

_BASE = "/api/v1/pricing"
_TAGS = ("pricing",)


class Rules(BaseModel):
    """Pricing rules, highest priority first."""

    items: list[RuleOut]


class Deleted(BaseModel):
    """Confirmation of a deletion."""

    model_config = ConfigDict(extra="forbid")

    id: str
    deleted: bool = True


async def _calculate(session: AsyncSession, actor: Actor, data: CalculateIn) -> CalculateOut:
    return await service.calculate(session, actor, customer_id=data.customer_id, lines=data.lines, at=data.at)


async def _list(session: AsyncSession, actor: Actor, data: RuleFilter) -> Rules:
    return Rules(items=await service.list_rules(session, actor, kind=data.kind, active=data.active))


async def _create(session: AsyncSession, actor: Actor, data: RuleCreate) -> RuleOut:
    return await service.create_rule(session, actor, data=data)


async def _get(session: AsyncSession, actor: Actor, data: RuleId) -> RuleOut:
    actor.require("pricing:read")
    return RuleOut.model_validate(await service.get_rule(session, data.rule_id), from_attributes=True)


async def _update(session: AsyncSession, actor: Actor, data: RuleUpdate) -> RuleOut:
    return await service.update_rule(session, actor, data.rule_id, data=data)


async def _delete(session: AsyncSession, actor: Actor, data: RuleId) -> Deleted:
    await service.delete_rule(session, actor, data.rule_id)
    return Deleted(id=str(data.rule_id))


async def _thresholds(session: AsyncSession, actor: Actor, _data: ThresholdsIn) -> Thresholds:
    return await service.get_thresholds(session, actor)


async def _update_thresholds(session: AsyncSession, actor: Actor, data: ThresholdsUpdate) -> Thresholds:
    return await service.update_thresholds(session, actor, data=data)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="calculate_price",
        description="Exact prices for products and quantities (optionally for a customer): discounts, VAT, totals.",
        input=CalculateIn,
        output=CalculateOut,
        scope="pricing:read",
        method="POST",
        path=f"{_BASE}/calculate",
        handler=_calculate,
        tags=_TAGS,
    ),
    Operation(
        name="get_discount_thresholds",
        description="The largest discount percent per customer tier and per role without approval.",
        input=ThresholdsIn,
        output=Thresholds,
        scope="pricing:read",
        method="GET",
        path=f"{_BASE}/thresholds",
        handler=_thresholds,
        tags=_TAGS,
    ),
    Operation(
        name="update_discount_thresholds",
        description="Change discount thresholds per customer tier or role.",
        input=ThresholdsUpdate,
        output=Thresholds,
        scope="admin:settings",
        method="PUT",
        path=f"{_BASE}/thresholds",
        handler=_update_thresholds,
        events=("pricing.thresholds_updated",),
        tags=_TAGS,
    ),
    Operation(
        name="list_pricing_rules",
        description="List pricing rules, highest priority first, optionally by kind or active flag.",
        input=RuleFilter,
        output=Rules,
        scope="pricing:read",
        method="GET",
        path=f"{_BASE}/rules",
        handler=_list,
        tags=_TAGS,
    ),
    Operation(
        name="create_pricing_rule",
        description="Add a discount rule: quantity break, customer tier, category or seasonal.",
        input=RuleCreate,
        output=RuleOut,
        scope="pricing:write",
        method="POST",
        path=f"{_BASE}/rules",
        handler=_create,
        events=("pricing_rule.created",),
        status_code=201,
        tags=_TAGS,
    ),
    Operation(
        name="get_pricing_rule",
        description="Get one pricing rule by id.",
        input=RuleId,
        output=RuleOut,
        scope="pricing:read",
        method="GET",
        path=f"{_BASE}/rules/{{rule_id}}",
        handler=_get,
        tags=_TAGS,
    ),
    Operation(
        name="update_pricing_rule",
        description="Change fields of a pricing rule; omitted fields stay as they are.",
        input=RuleUpdate,
        output=RuleOut,
        scope="pricing:write",
        method="PATCH",
        path=f"{_BASE}/rules/{{rule_id}}",
        handler=_update,
        events=("pricing_rule.updated",),
        tags=_TAGS,
    ),
    Operation(
        name="delete_pricing_rule",
        description="Delete a pricing rule.",
        input=RuleId,
        output=Deleted,
        scope="pricing:write",
        method="DELETE",
        path=f"{_BASE}/rules/{{rule_id}}",
        handler=_delete,
        events=("pricing_rule.deleted",),
        tags=_TAGS,
    ),
)
