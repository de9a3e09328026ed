"""The pricing engine: pure functions from list prices, rules and a moment to priced lines and totals.

No database here, so the arithmetic is property-tested on its own (``tests/tools/test_pricing_engine.py``).

Which rules apply to a line: a rule must be active, inside its schedule (``valid_from <= at < valid_to``,
either end open) and match every condition it sets (``min_quantity``, ``customer_tier``, ``category``,
``product_id``); its kind says which condition is required (quantity_break: min_quantity, customer_tier:
customer_tier, category: category, seasonal: a date range).

How they combine: rules are taken by priority, highest first (ties by name). The first applicable rule always
applies. A non-stackable rule applies only alone: when it comes first nothing after it applies, and when a
rule has already applied it is skipped. Stackable rules add their percents. The sum is then capped by the
smallest ``max_discount_percent`` among the applied rules (and by 100); the cap is taken off the last rules
so the applied percents always add up to the line's discount percent. A manual discount (from the discounts
module) applies after the rules, on the already discounted price.

Rounding: see :mod:`parley.tools.pricing.money`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from parley.tools.pricing.money import HUNDRED, ZERO, cents, unit

__all__ = ["LineInput", "Priced", "PricedLine", "RuleSpec", "VatGroup", "applicable", "price"]


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """What the engine needs of a pricing rule."""

    name: str
    kind: str
    percent: Decimal
    priority: int = 0
    stackable: bool = True
    max_discount_percent: Decimal | None = None
    min_quantity: int | None = None
    customer_tier: str | None = None
    category: str | None = None
    product_id: uuid.UUID | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    active: bool = True
    id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class LineInput:
    """A product at its list price, in a quantity."""

    product_id: uuid.UUID
    sku: str
    name: str
    category: str
    quantity: int
    unit_list_price: Decimal
    vat_rate: Decimal


@dataclass(frozen=True, slots=True)
class AppliedRule:
    """A rule's share of a line's discount."""

    name: str
    kind: str
    percent: Decimal
    amount: Decimal
    rule_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A priced line: every amount already rounded as the policy says."""

    line: LineInput
    applied_rules: tuple[AppliedRule, ...]
    discount_percent: Decimal
    unit_net_price: Decimal
    line_list: Decimal
    line_discount: Decimal
    line_net: Decimal
    vat_amount: Decimal
    line_gross: Decimal


@dataclass(frozen=True, slots=True)
class VatGroup:
    """Net and VAT of every line with one VAT rate."""

    rate: Decimal
    net: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class Priced:
    """Priced lines with totals that are sums of the rounded lines."""

    lines: tuple[PricedLine, ...]
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    total_discount: Decimal
    vat_breakdown: tuple[VatGroup, ...] = field(default=())


def _matches(rule: RuleSpec, line: LineInput, tier: str | None, at: datetime) -> bool:
    if not rule.active or rule.percent <= 0:
        return False
    if rule.valid_from is not None and at < rule.valid_from:
        return False
    if rule.valid_to is not None and at >= rule.valid_to:
        return False
    if rule.min_quantity is not None and line.quantity < rule.min_quantity:
        return False
    if rule.customer_tier is not None and rule.customer_tier != tier:
        return False
    if rule.category is not None and rule.category != line.category:
        return False
    return rule.product_id is None or rule.product_id == line.product_id


def applicable(rules: Sequence[RuleSpec], line: LineInput, tier: str | None, at: datetime) -> list[RuleSpec]:
    """The rules that apply to a line, after priority and stacking, in the order they were taken."""
    ordered = sorted(
        (rule for rule in rules if _matches(rule, line, tier, at)), key=lambda r: (-r.priority, r.name)
    )
    taken: list[RuleSpec] = []
    for rule in ordered:
        if not rule.stackable:
            if not taken:
                return [rule]
            continue
        taken.append(rule)
    return taken


def _shares(percents: list[Decimal], total: Decimal) -> list[Decimal]:
    """Split ``total`` over amounts in proportion to percents; the last absorbs rounding so they add up."""
    weight = sum(percents, Decimal(0))
    if not percents or weight == 0:
        return [ZERO for _ in percents]
    out = [cents(total * p / weight) for p in percents[:-1]]
    return [*out, total - sum(out, ZERO)]


def price_line(
    line: LineInput,
    rules: Sequence[RuleSpec],
    *,
    tier: str | None,
    at: datetime,
    manual_percent: Decimal = Decimal(0),
) -> PricedLine:
    """Price one line."""
    taken = applicable(rules, line, tier, at)
    percents = [rule.percent for rule in taken]
    cap = min([HUNDRED, *(r.max_discount_percent for r in taken if r.max_discount_percent is not None)])
    excess = max(sum(percents, Decimal(0)) - cap, Decimal(0))
    for index in range(len(percents) - 1, -1, -1):
        if excess <= 0:
            break
        cut = min(excess, percents[index])
        percents[index] -= cut
        excess -= cut
    rules_percent = sum(percents, Decimal(0))
    after_rules = line.unit_list_price * (HUNDRED - rules_percent) / HUNDRED
    unit_net = unit(after_rules * (HUNDRED - manual_percent) / HUNDRED)
    line_list = cents(line.unit_list_price * line.quantity)
    line_net = cents(unit_net * line.quantity)
    line_discount = line_list - line_net
    rules_amount = cents(unit(after_rules) * line.quantity)
    shares_rules = _shares(percents, line_list - rules_amount) if taken else []
    applied = [
        AppliedRule(name=r.name, kind=r.kind, percent=unit(p), amount=a, rule_id=r.id)
        for r, p, a in zip(taken, percents, shares_rules, strict=True)
    ]
    if manual_percent > 0:
        applied.append(
            AppliedRule(
                name="manual discount",
                kind="manual",
                percent=unit(manual_percent),
                amount=line_discount - sum(shares_rules, ZERO),
            )
        )
    effective = HUNDRED - (HUNDRED - rules_percent) * (HUNDRED - manual_percent) / HUNDRED
    vat = cents(line_net * line.vat_rate / HUNDRED)
    return PricedLine(
        line=line,
        applied_rules=tuple(applied),
        discount_percent=unit(effective),
        unit_net_price=unit_net,
        line_list=line_list,
        line_discount=line_discount,
        line_net=line_net,
        vat_amount=vat,
        line_gross=line_net + vat,
    )


def totals(lines: Sequence[PricedLine]) -> Priced:
    """Totals and the VAT breakdown as sums of the rounded lines."""
    groups: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for priced in lines:
        rate = unit(priced.line.vat_rate)
        net, vat = groups.get(rate, (ZERO, ZERO))
        groups[rate] = (net + priced.line_net, vat + priced.vat_amount)
    total_net = sum((p.line_net for p in lines), ZERO)
    total_vat = sum((p.vat_amount for p in lines), ZERO)
    return Priced(
        lines=tuple(lines),
        total_net=total_net,
        total_vat=total_vat,
        total_gross=total_net + total_vat,
        total_discount=sum((p.line_discount for p in lines), ZERO),
        vat_breakdown=tuple(VatGroup(rate=r, net=n, vat=v) for r, (n, v) in sorted(groups.items())),
    )


def price(
    lines: Sequence[LineInput],
    rules: Sequence[RuleSpec],
    *,
    tier: str | None,
    at: datetime,
    manual_percent: Decimal = Decimal(0),
) -> Priced:
    """Price every line and add them up."""
    return totals(
        [price_line(line, rules, tier=tier, at=at, manual_percent=manual_percent) for line in lines]
    )
