"""Baselines: a scenario that passed and now fails, or a worse metric, fails the run; improvements do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.evals.baseline import Tolerance, compare, load_baseline, save_baseline
from tests.evals.helpers import scenario_result, suite_result

pytestmark = pytest.mark.backend("sqlite")


def _baseline(tmp_path: Path, *scenarios) -> dict:
    return load_baseline(save_baseline(suite_result(*scenarios), tmp_path / "baseline.json"))


def test_a_scenario_that_passed_and_now_fails_is_named_as_a_regression(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, scenario_result("a", passed=True), scenario_result("b", passed=True))
    comparison = compare(
        suite_result(scenario_result("a", passed=True), scenario_result("b", passed=False)), baseline
    )
    assert comparison.failed
    assert comparison.regressed == ["b: turn 1: reply lacks 'VAT'"]
    assert any("pass rate" in line for line in comparison.metrics)


def test_a_known_failure_that_still_fails_is_not_a_regression(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, scenario_result("a", passed=True), scenario_result("b", passed=False))
    comparison = compare(
        suite_result(scenario_result("a", passed=True), scenario_result("b", passed=False)), baseline
    )
    assert not comparison.failed


def test_a_fixed_scenario_is_reported_as_an_improvement_without_failing(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, scenario_result("a", passed=False))
    comparison = compare(suite_result(scenario_result("a", passed=True)), baseline)
    assert comparison.improved == ["a"] and not comparison.failed


def test_latency_worse_than_the_tolerance_fails(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, scenario_result("a", passed=True, latency_ms=200))
    slow = suite_result(scenario_result("a", passed=True, latency_ms=900))
    assert compare(slow, baseline).failed
    assert not compare(slow, baseline, Tolerance(latency=4.0)).failed


def test_cost_worse_than_the_tolerance_fails(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, scenario_result("a", passed=True, cost=0.010))
    assert compare(suite_result(scenario_result("a", passed=True, cost=0.020)), baseline).failed
    assert not compare(suite_result(scenario_result("a", passed=True, cost=0.011)), baseline).failed


def test_a_new_scenario_is_listed_but_cannot_regress(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, scenario_result("a", passed=True))
    comparison = compare(
        suite_result(scenario_result("a", passed=True), scenario_result("new", passed=False)), baseline
    )
    assert comparison.new == ["new (fail)"] and not comparison.failed
