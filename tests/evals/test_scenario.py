"""The scenario format: suites load from YAML, typos and duplicates fail loudly, tags filter."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.agent.intent.defaults import COMMERCE_INTENTS
from parley.evals.scenario import load_suite

pytestmark = pytest.mark.backend("sqlite")

_SUITE = """
tags: [shop]
scenarios:
  - id: a-price
    title: a price
    tags: [price]
    turns:
      - say: "price of VC-125?"
        expect: {intent: price_quote, price: {sku: VC-125}}
  - id: a-status
    title: an order
    customer: anna.becker@feinmechanik-becker.de
    setup:
      orders: [{ref: mine, customer: anna.becker@feinmechanik-becker.de, lines: [{sku: VC-125, quantity: 1}]}]
    turns:
      - say: "where is {order:mine}?"
    end_state:
      orders: {mine: {status: pending}}
"""


def _write(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_suite_folder_loads_every_scenario_with_the_file_tags(tmp_path: Path) -> None:
    scenarios = load_suite(_write(tmp_path, _SUITE))
    assert [s.id for s in scenarios] == ["a-price", "a-status"]
    assert scenarios[0].tags == ["shop", "price"]
    assert scenarios[0].intents == ["price_quote"]


def test_a_filter_keeps_scenarios_with_the_tag_or_id(tmp_path: Path) -> None:
    folder = _write(tmp_path, _SUITE)
    assert [s.id for s in load_suite(folder, tags=["price"])] == ["a-price"]
    assert [s.id for s in load_suite(folder, tags=["a-status"])] == ["a-status"]


def test_an_unknown_expectation_is_an_error_naming_the_file_and_scenario(tmp_path: Path) -> None:
    broken = _SUITE.replace("intent: price_quote", "intnet: price_quote")
    with pytest.raises(ValueError, match=r"suite\.yaml: scenario 'a-price'"):
        load_suite(_write(tmp_path, broken))


def test_two_scenarios_with_one_id_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, _SUITE, "one.yaml")
    _write(tmp_path, _SUITE, "two.yaml")
    with pytest.raises(ValueError, match="share the id"):
        load_suite(tmp_path)


def test_an_end_state_may_only_name_orders_of_the_setup(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not in the setup"):
        load_suite(_write(tmp_path, _SUITE.replace("orders: {mine: {status", "orders: {theirs: {status")))


def test_the_starter_suite_has_at_least_80_scenarios_covering_every_intent() -> None:
    scenarios = load_suite(Path(__file__).parents[2] / "evals" / "suites")
    assert len(scenarios) >= 80
    intents = {intent for s in scenarios for intent in s.intents}
    assert set(COMMERCE_INTENTS) <= intents
