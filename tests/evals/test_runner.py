"""Running scenarios against the real agent (offline engine, hashing embedder for speed) in copied shops."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from parley.agent.offline.templates import default_templates
from parley.core.settings import Settings
from parley.devtools.scripted_llm import FakeOpenAIServer
from parley.evals.baseline import compare, load_baseline, save_baseline
from parley.evals.judge import Judge
from parley.evals.runner import run_suite
from parley.evals.sandbox import ShopTemplate
from parley.evals.scenario import Scenario, load_suite

pytestmark = [pytest.mark.backend("sqlite"), pytest.mark.slow]

_SUITE = """
scenarios:
  - id: quote
    title: a quote from the pricing engine, with stock
    turns:
      - say: "what would 40 pieces of AL-6061-10-500x500 cost?"
        expect:
          intent: price_quote
          tools: [{name: calculate_price, args: {lines: [{product_id: "{sku:AL-6061-10-500x500}", quantity: 40}]}}]
          price: {sku: AL-6061-10-500x500, quantity: 40}
          stock_of: AL-6061-10-500x500
          reply_contains: [including VAT]
          grounded: true
  - id: own-order
    title: the customer's own order, and nobody else's
    customer: anna.becker@feinmechanik-becker.de
    setup:
      orders:
        - {ref: mine, customer: anna.becker@feinmechanik-becker.de, lines: [{sku: VC-125, quantity: 1}], status: delivered}
        - {ref: other, customer: tom.hughes@hughes-fab.co.uk, lines: [{sku: VC-125, quantity: 1}], status: confirmed}
    turns:
      - say: "where is my order {order:mine}?"
        expect: {reply_contains: ["{order:mine}", delivered]}
      - say: "and {order:other}?"
        expect: {reply_not_contains: [confirmed]}
    end_state:
      orders: {mine: {status: delivered}, other: {status: confirmed}}
      counts: {orders: 2, approvals: 0}
  - id: wrong-on-purpose
    title: an expectation the agent does not meet
    turns:
      - say: "is BR-6202-2RS in stock?"
        expect: {reply_contains: [free shipping], intent: complaint}
    end_state:
      counts: {orders: 1}
"""


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> list[Scenario]:
    path = tmp_path_factory.mktemp("suite") / "suite.yaml"
    path.write_text(_SUITE, encoding="utf-8")
    return load_suite(path)


def test_scenarios_pass_or_fail_on_what_the_customer_sees(
    template: ShopTemplate, scenarios: list[Scenario]
) -> None:
    result = asyncio.run(run_suite(template, scenarios, engine="offline"))
    by_id = {s.id: s for s in result.scenarios}
    assert by_id["quote"].passed, by_id["quote"].runs[0].failures
    assert by_id["own-order"].passed, by_id["own-order"].runs[0].failures
    failures = by_id["wrong-on-purpose"].runs[0].failures
    assert "turn 1: reply lacks 'free shipping'" in failures
    assert any(f.startswith("turn 1: intent 'stock_check', expected complaint") for f in failures)
    assert "end state: orders: expected 1, got 0" in failures
    metrics = result.metrics()
    assert metrics["total"] == 3 and metrics["pass_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert metrics["tool_recall"] == 1.0 and 0 < metrics["tool_precision"] < 1


def test_breaking_a_reply_template_regresses_against_the_baseline(
    template: ShopTemplate, scenarios: list[Scenario], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quote = [s for s in scenarios if s.id == "quote"]
    baseline = load_baseline(
        save_baseline(asyncio.run(run_suite(template, quote, engine="offline")), tmp_path / "b.json")
    )
    monkeypatch.setitem(default_templates()["price"], "en", "For {quantity} {unit}: {total_net} {currency}.")
    comparison = compare(asyncio.run(run_suite(template, quote, engine="offline")), baseline)
    assert comparison.failed
    assert comparison.regressed and comparison.regressed[0].startswith("quote: turn 1: reply lacks")


def test_the_llm_judge_fails_a_run_it_scores_below_the_minimum(
    template: ShopTemplate, scenarios: list[Scenario]
) -> None:
    quote = [s.model_copy(update={"rubric": "Quotes clearly."}) for s in scenarios if s.id == "quote"]
    answer = {"content": '{"score": 2, "reason": "the quote is hard to read"}'}
    with FakeOpenAIServer([answer]) as server:
        settings = Settings(environment="test", llm_base_url=server.base_url, _env_file=None)
        judge = Judge.from_settings(settings, minimum=3)
        result = asyncio.run(run_suite(template, quote, engine="offline", judge=judge))
        sent = json.dumps(server.requests[0])
    run = result.scenarios[0].runs[0]
    assert not run.passed
    assert run.failures == ["judge: score 2/5 (minimum 3): the quote is hard to read"]
    assert "Rubric: Quotes clearly." in sent and "AL-6061-10-500x500" in sent
    assert result.metrics()["judge_mean"] == 2
