"""Pricing service: rule CRUD, discount thresholds, and ``calculate``, the only source of quoted prices.

``calculate`` loads the products (by id or SKU), the customer's tier and the active rules, and hands them to the
pure :mod:`parley.tools.pricing.engine`; quotations and orders call :func:`price_lines` so a quoted price and
an ordered price come from the same arithmetic. Rounding: see :mod:`parley.tools.pricing.money`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor, ActorKind
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.core.errors import NotFound, ValidationFailed
from parley.core.events import emit_event
from parley.core.patch import apply_patch
from parley.identity.tenants import get_tenant
from parley.tools.pricing import engine
from parley.tools.pricing.models import PricingRule
from parley.tools.pricing.schemas import (
    AppliedRuleOut,
    CalculateOut,
    LineIn,
    PricedLineOut,
    RuleCreate,
    RuleOut,
    RuleUpdate,
    Thresholds,
    ThresholdsUpdate,
    VatGroupOut,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "PricedResult",
    "actor_threshold",
    "calculate",
    "create_rule",
    "delete_rule",
    "get_rule",
    "get_thresholds",
    "list_rules",
    "price_lines",
    "update_rule",
    "update_thresholds",
]

DEFAULT_THRESHOLDS = Thresholds(
    tiers={"bronze": Decimal(5), "silver": Decimal(10), "gold": Decimal(15)},
    roles={
        "viewer": Decimal(0),
        "sales_rep": Decimal(10),
        "sales_manager": Decimal(25),
        "admin": Decimal(100),
        "agent": Decimal(5),
    },
)
_SETTINGS_KEY = "discount_thresholds"


def _rule_out(rule: PricingRule) -> RuleOut:
    return RuleOut.model_validate(rule, from_attributes=True)


def _spec(rule: PricingRule) -> engine.RuleSpec:
    return engine.RuleSpec(
        id=rule.id,
        name=rule.name,
        kind=rule.kind,
        percent=rule.percent,
        priority=rule.priority,
        stackable=rule.stackable,
        max_discount_percent=rule.max_discount_percent,
        min_quantity=rule.min_quantity,
        customer_tier=rule.customer_tier,
        category=rule.category,
        product_id=rule.product_id,
        valid_from=rule.valid_from,
        valid_to=rule.valid_to,
        active=rule.active,
    )


async def get_rule(session: AsyncSession, rule_id: uuid.UUID) -> PricingRule:
    """A rule of this business, or :class:`NotFound`."""
    rule = await session.scalar(select(PricingRule).where(PricingRule.id == rule_id))
    if rule is None:
        raise NotFound("no such pricing rule", details={"rule_id": str(rule_id)})
    return rule


async def list_rules(
    session: AsyncSession, actor: Actor, *, kind: str | None = None, active: bool | None = None
) -> list[RuleOut]:
    """Every rule, highest priority first."""
    actor.require("pricing:read")
    statement = select(PricingRule).order_by(PricingRule.priority.desc(), PricingRule.name)
    if kind is not None:
        statement = statement.where(PricingRule.kind == kind)
    if active is not None:
        statement = statement.where(PricingRule.active == active)
    return [_rule_out(rule) for rule in await session.scalars(statement)]


async def create_rule(session: AsyncSession, actor: Actor, *, data: RuleCreate) -> RuleOut:
    """Add a rule."""
    actor.require("pricing:write")
    if data.product_id is not None:
        from parley.tools.products.service import get_product

        await get_product(session, data.product_id)
    rule = PricingRule(**data.model_dump())
    session.add(rule)
    await session.flush()
    await session.refresh(rule)
    out = _rule_out(rule)
    record_audit(
        session,
        actor,
        action="pricing_rule.create",
        entity_type="pricing_rule",
        entity_id=rule.id,
        after=out.model_dump(),
    )
    emit_event(session, "pricing_rule.created", entity_type="pricing_rule", entity_id=rule.id)
    return out


async def update_rule(
    session: AsyncSession, actor: Actor, rule_id: uuid.UUID, *, data: RuleUpdate
) -> RuleOut:
    """Change the given fields of a rule."""
    actor.require("pricing:write")
    rule = await get_rule(session, rule_id)
    before = _rule_out(rule).model_dump()
    changes = data.model_dump(exclude_unset=True, exclude={"rule_id"})
    apply_patch(rule, changes)
    if rule.valid_from and rule.valid_to and rule.valid_to <= rule.valid_from:
        raise ValidationFailed("valid_to must be after valid_from", field="valid_to")
    rule.updated_at = utcnow()
    await session.flush()
    await session.refresh(rule)
    out = _rule_out(rule)
    record_audit(
        session,
        actor,
        action="pricing_rule.update",
        entity_type="pricing_rule",
        entity_id=rule.id,
        before=before,
        after=out.model_dump(),
    )
    emit_event(
        session,
        "pricing_rule.updated",
        entity_type="pricing_rule",
        entity_id=rule.id,
        payload={"fields": sorted(changes)},
    )
    return out


async def delete_rule(session: AsyncSession, actor: Actor, rule_id: uuid.UUID) -> None:
    """Remove a rule; the audit log keeps what it was."""
    actor.require("pricing:write")
    rule = await get_rule(session, rule_id)
    before = _rule_out(rule).model_dump()
    await session.delete(rule)
    await session.flush()
    record_audit(
        session,
        actor,
        action="pricing_rule.delete",
        entity_type="pricing_rule",
        entity_id=rule_id,
        before=before,
    )
    emit_event(session, "pricing_rule.deleted", entity_type="pricing_rule", entity_id=rule_id)


def _thresholds_of(settings: dict[str, Any] | None) -> Thresholds:
    stored = (settings or {}).get(_SETTINGS_KEY) or {}
    return Thresholds(
        tiers={**DEFAULT_THRESHOLDS.tiers, **{k: Decimal(v) for k, v in stored.get("tiers", {}).items()}},
        roles={**DEFAULT_THRESHOLDS.roles, **{k: Decimal(v) for k, v in stored.get("roles", {}).items()}},
    )


async def get_thresholds(session: AsyncSession, actor: Actor) -> Thresholds:
    """The business's discount thresholds per customer tier and per role (defaults where unset)."""
    actor.require("pricing:read")
    return _thresholds_of((await get_tenant(session, actor.tenant_id)).settings)


async def update_thresholds(session: AsyncSession, actor: Actor, *, data: ThresholdsUpdate) -> Thresholds:
    """Replace the given thresholds; stored in the tenant's settings."""
    actor.require("admin:settings")
    tenant = await get_tenant(session, actor.tenant_id)
    before = _thresholds_of(tenant.settings)
    after = Thresholds(tiers={**before.tiers, **data.tiers}, roles={**before.roles, **data.roles})
    tenant.settings = {**(tenant.settings or {}), _SETTINGS_KEY: after.model_dump(mode="json")}
    await session.flush()
    record_audit(
        session,
        actor,
        action="pricing.thresholds.update",
        entity_type="tenant",
        entity_id=tenant.id,
        before=before.model_dump(),
        after=after.model_dump(),
    )
    emit_event(session, "pricing.thresholds_updated", entity_type="tenant", entity_id=tenant.id)
    return after


def actor_threshold(thresholds: Thresholds, actor: Actor) -> Decimal:
    """How far this actor may discount alone: its role's threshold (the agent's own for the agent)."""
    if actor.kind is ActorKind.AGENT:
        return thresholds.roles.get("agent", Decimal(0))
    if actor.role is None:
        return Decimal(100) if "*" in actor.scopes else Decimal(0)
    return thresholds.roles.get(str(actor.role), Decimal(0))


class PricedResult:
    """The engine's result plus the context it was priced in."""

    def __init__(
        self, priced: engine.Priced, *, currency: str, customer_id: uuid.UUID | None, tier: str | None
    ) -> None:
        self.priced = priced
        self.currency = currency
        self.customer_id = customer_id
        self.tier = tier

    def out(self) -> CalculateOut:
        """As the API and tools return it."""
        return CalculateOut(
            currency=self.currency,
            customer_id=self.customer_id,
            customer_tier=self.tier,
            lines=[_line_out(line) for line in self.priced.lines],
            total_discount=self.priced.total_discount,
            total_net=self.priced.total_net,
            total_vat=self.priced.total_vat,
            total_gross=self.priced.total_gross,
            vat_breakdown=[VatGroupOut(rate=g.rate, net=g.net, vat=g.vat) for g in self.priced.vat_breakdown],
        )


def _line_out(priced: engine.PricedLine) -> PricedLineOut:
    line = priced.line
    return PricedLineOut(
        product_id=line.product_id,
        sku=line.sku,
        name=line.name,
        quantity=line.quantity,
        unit_list_price=line.unit_list_price,
        applied_rules=[
            AppliedRuleOut(name=a.name, kind=a.kind, percent=a.percent, amount=a.amount, rule_id=a.rule_id)
            for a in priced.applied_rules
        ],
        discount_percent=priced.discount_percent,
        unit_net_price=priced.unit_net_price,
        line_net=priced.line_net,
        vat_rate=line.vat_rate,
        vat_amount=priced.vat_amount,
        line_gross=priced.line_gross,
    )


async def _line_inputs(session: AsyncSession, lines: Sequence[LineIn]) -> list[engine.LineInput]:
    from parley.tools.products.models import Product

    out = []
    for index, line in enumerate(lines):
        statement = select(Product).where(Product.deleted_at.is_(None))
        if line.product_id is not None:
            statement = statement.where(Product.id == line.product_id)
        else:
            statement = statement.where(Product.sku == line.sku)
        product = await session.scalar(statement)
        if product is None:
            raise NotFound(
                f"line {index + 1}: no such product",
                details={"line": index + 1, "product_id": str(line.product_id or ""), "sku": line.sku},
            )
        if product.status != "active":
            raise ValidationFailed(
                f"line {index + 1}: product {product.sku} is not for sale", field=f"lines.{index}"
            )
        out.append(
            engine.LineInput(
                product_id=product.id,
                sku=product.sku,
                name=product.name,
                category=product.category,
                quantity=line.quantity,
                unit_list_price=product.price,
                vat_rate=product.vat_rate,
            )
        )
    return out


async def price_lines(
    session: AsyncSession,
    actor: Actor,
    *,
    customer_id: uuid.UUID | None,
    lines: Sequence[LineIn],
    at: datetime | None = None,
    manual_percent: Decimal = Decimal(0),
) -> PricedResult:
    """Price lines for a customer at a moment; quotations and orders use this, so prices agree everywhere."""
    from parley.tools.customers.service import get_customer
    from parley.tools.products.service import tenant_currency

    tier = None
    if customer_id is not None:
        tier = (await get_customer(session, customer_id)).tier
    inputs = await _line_inputs(session, lines)
    rules = [_spec(rule) for rule in await session.scalars(select(PricingRule).where(PricingRule.active))]
    priced = engine.price(inputs, rules, tier=tier, at=at or utcnow(), manual_percent=manual_percent)
    currency = await tenant_currency(session, actor.tenant_id)
    return PricedResult(priced, currency=currency, customer_id=customer_id, tier=tier)


async def calculate(
    session: AsyncSession,
    actor: Actor,
    *,
    customer_id: uuid.UUID | None,
    lines: Sequence[LineIn],
    at: datetime | None = None,
) -> CalculateOut:
    """Exact prices for lines: list price, rules applied, net, VAT per line, totals and a VAT breakdown."""
    actor.require("pricing:read")
    return (await price_lines(session, actor, customer_id=customer_id, lines=lines, at=at)).out()
