"""Made-up run results, so reports and baselines are tested without running an agent."""

from __future__ import annotations

from parley.evals.results import RunResult, ScenarioResult, SuiteResult, TurnResult


def scenario_result(
    scenario_id: str,
    *,
    passed: bool,
    latency_ms: float = 50.0,
    cost: float = 0.0,
    tags: list[str] | None = None,
) -> ScenarioResult:
    """A one-turn scenario that passed or failed with one reason."""
    turn = TurnResult(
        say="price of VC-125?",
        reply="The list price is 189.00 EUR.",
        intent="price_quote",
        status="answered",
        tools=["calculate_price"],
        failures=[] if passed else ["reply lacks 'VAT'"],
        latency_ms=latency_ms,
        cost=cost,
        tp=1,
    )
    return ScenarioResult(
        id=scenario_id,
        title=scenario_id.replace("-", " "),
        tags=tags or ["price"],
        intents=["price_quote"],
        source="evals/suites/prices.yaml",
        runs=[RunResult(turns=[turn])],
    )


def suite_result(*scenarios: ScenarioResult) -> SuiteResult:
    """A run of the given scenarios."""
    return SuiteResult(engine="offline", repeat=1, scenarios=list(scenarios), seconds=1.0)
