"""The pricing engine on its own: rounding, totals, VAT breakdown, stacking and caps, property-tested."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.tools.pricing.engine import LineInput, RuleSpec, applicable, price
from parley.tools.pricing.money import cents

AT = datetime(2026, 6, 15, tzinfo=UTC)

prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=4)
vat_rates = st.sampled_from(
    [Decimal("0"), Decimal("7"), Decimal("10"), Decimal("19"), Decimal("21"), Decimal("5.5")]
)
percents = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100"), places=4)


@st.composite
def lines(draw: st.DrawFn) -> LineInput:
    return LineInput(
        product_id=uuid.uuid4(),
        sku=draw(st.text("ABC", min_size=1, max_size=3)),
        name="item",
        category=draw(st.sampled_from(["tools", "bolts", ""])),
        quantity=draw(st.integers(min_value=1, max_value=10_000)),
        unit_list_price=draw(prices),
        vat_rate=draw(vat_rates),
    )


@st.composite
def rules(draw: st.DrawFn) -> RuleSpec:
    return RuleSpec(
        name=draw(st.text("xyz", min_size=1, max_size=4)),
        kind="category",
        percent=draw(percents),
        priority=draw(st.integers(-3, 3)),
        stackable=draw(st.booleans()),
        max_discount_percent=draw(st.none() | percents),
        min_quantity=draw(st.none() | st.integers(1, 50)),
        category=draw(st.none() | st.sampled_from(["tools", "bolts"])),
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(lines(), min_size=1, max_size=12),
    st.lists(rules(), max_size=5),
    st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2),
)
def test_totals_are_the_sums_of_rounded_lines_and_gross_is_net_plus_vat(
    items: list[LineInput], specs: list[RuleSpec], manual: Decimal
) -> None:
    priced = price(items, specs, tier=None, at=AT, manual_percent=manual)
    assert priced.total_net == sum(line.line_net for line in priced.lines)
    assert priced.total_vat == sum(line.vat_amount for line in priced.lines)
    assert priced.total_gross == priced.total_net + priced.total_vat
    for line in priced.lines:
        assert line.line_net == cents(line.line_net)
        assert line.vat_amount == cents(line.line_net * line.line.vat_rate / 100)
        assert line.line_net == cents(line.unit_net_price * line.line.quantity)
        assert Decimal(0) <= line.line_net <= line.line_list
        assert sum(a.amount for a in line.applied_rules) == line.line_discount
        assert line.discount_percent <= 100


@settings(max_examples=150, deadline=None)
@given(st.lists(lines(), min_size=1, max_size=12), st.lists(rules(), max_size=5))
def test_the_vat_breakdown_never_loses_a_cent(items: list[LineInput], specs: list[RuleSpec]) -> None:
    priced = price(items, specs, tier="gold", at=AT)
    assert sum(group.net for group in priced.vat_breakdown) == priced.total_net
    assert sum(group.vat for group in priced.vat_breakdown) == priced.total_vat
    assert len({group.rate for group in priced.vat_breakdown}) == len(priced.vat_breakdown)


@settings(max_examples=100, deadline=None)
@given(lines(), st.lists(rules(), min_size=1, max_size=6))
def test_a_non_stackable_rule_applies_only_alone_and_caps_hold(
    line: LineInput, specs: list[RuleSpec]
) -> None:
    taken = applicable(specs, line, None, AT)
    if any(not rule.stackable for rule in taken):
        assert len(taken) == 1
    priced = price([line], specs, tier=None, at=AT)
    caps = [r.max_discount_percent for r in taken if r.max_discount_percent is not None]
    if caps:
        assert priced.lines[0].discount_percent <= min(caps)
    assert sum(a.percent for a in priced.lines[0].applied_rules) == priced.lines[0].discount_percent


def _line(quantity: int = 1, price_: str = "10.00", vat: str = "21", category: str = "tools") -> LineInput:
    return LineInput(uuid.uuid4(), "SKU", "Item", category, quantity, Decimal(price_), Decimal(vat))


def test_the_highest_priority_non_stackable_rule_wins_alone() -> None:
    specs = [
        RuleSpec(
            name="tier",
            kind="customer_tier",
            percent=Decimal(10),
            priority=5,
            stackable=False,
            customer_tier="gold",
        ),
        RuleSpec(name="bulk", kind="quantity_break", percent=Decimal(5), priority=1, min_quantity=10),
    ]
    assert [r.name for r in applicable(specs, _line(20), "gold", AT)] == ["tier"]
    assert [r.name for r in applicable(specs, _line(20), "silver", AT)] == ["bulk"]


def test_stackable_rules_add_up_and_a_later_non_stackable_one_is_skipped() -> None:
    specs = [
        RuleSpec(name="bulk", kind="quantity_break", percent=Decimal(5), priority=9, min_quantity=10),
        RuleSpec(name="tools", kind="category", percent=Decimal(3), priority=5, category="tools"),
        RuleSpec(
            name="solo", kind="category", percent=Decimal(50), priority=1, stackable=False, category="tools"
        ),
    ]
    priced = price([_line(10, "10.00")], specs, tier=None, at=AT).lines[0]
    assert [(a.name, a.percent, a.amount) for a in priced.applied_rules] == [
        ("bulk", Decimal("5.0000"), Decimal("5.00")),
        ("tools", Decimal("3.0000"), Decimal("3.00")),
    ]
    assert priced.unit_net_price == Decimal("9.2000")
    assert priced.line_net == Decimal("92.00")
    assert priced.vat_amount == Decimal("19.32")


def test_a_cap_limits_the_stacked_discount() -> None:
    specs = [
        RuleSpec(
            name="a",
            kind="category",
            percent=Decimal(20),
            priority=2,
            category="tools",
            max_discount_percent=Decimal(25),
        ),
        RuleSpec(name="b", kind="category", percent=Decimal(20), priority=1, category="tools"),
    ]
    priced = price([_line(1, "100")], specs, tier=None, at=AT).lines[0]
    assert priced.discount_percent == Decimal("25.0000")
    assert [a.percent for a in priced.applied_rules] == [Decimal("20.0000"), Decimal("5.0000")]


def test_a_seasonal_rule_holds_only_inside_its_dates() -> None:
    rule = RuleSpec(
        name="summer",
        kind="seasonal",
        percent=Decimal(10),
        valid_from=AT - timedelta(days=1),
        valid_to=AT + timedelta(days=1),
    )
    assert applicable([rule], _line(), None, AT)
    assert not applicable([rule], _line(), None, AT + timedelta(days=1))
    assert not applicable([rule], _line(), None, AT - timedelta(days=2))


def test_half_cents_round_up_per_line_and_vat_per_line() -> None:
    priced = price([_line(1, "0.125", "10"), _line(1, "0.125", "10")], [], tier=None, at=AT)
    assert [line.line_net for line in priced.lines] == [Decimal("0.13"), Decimal("0.13")]
    assert [line.vat_amount for line in priced.lines] == [Decimal("0.01"), Decimal("0.01")]
    assert (priced.total_net, priced.total_vat, priced.total_gross) == (
        Decimal("0.26"),
        Decimal("0.02"),
        Decimal("0.28"),
    )
