"""``parley eval run``: reports written, exit 1 naming the scenarios that regressed against a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli import app
from parley.evals import cli
from parley.evals.baseline import save_baseline
from tests.evals.helpers import scenario_result, suite_result

pytestmark = pytest.mark.backend("sqlite")

SUITES = Path(__file__).parents[2] / "evals" / "suites"


@pytest.fixture
def broken_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite run replaced by a result in which one scenario fails (the agent itself is tested elsewhere)."""
    result = suite_result(
        scenario_result("price-al-40", passed=False), scenario_result("greet-hello", passed=True)
    )
    monkeypatch.setattr(cli, "_run", lambda *args, **kwargs: result)


@pytest.mark.usefixtures("broken_run")
def test_a_run_writes_the_three_reports_and_prints_the_table(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(app, ["eval", "run", str(SUITES), "--report-dir", str(tmp_path)])
    assert outcome.exit_code == 0, outcome.output
    assert "FAIL price-al-40" in outcome.output
    assert json.loads((tmp_path / "report.json").read_text())["total"] == 2
    assert (tmp_path / "junit.xml").exists() and (tmp_path / "report.html").exists()


@pytest.mark.usefixtures("broken_run")
def test_a_run_worse_than_the_baseline_exits_1_naming_the_regression(tmp_path: Path) -> None:
    baseline = save_baseline(
        suite_result(
            scenario_result("price-al-40", passed=True), scenario_result("greet-hello", passed=True)
        ),
        tmp_path / "baseline.json",
    )
    outcome = CliRunner().invoke(
        app, ["eval", "run", str(SUITES), "--report-dir", str(tmp_path), "--baseline", str(baseline)]
    )
    assert outcome.exit_code == 1
    assert "REGRESSED price-al-40: turn 1: reply lacks 'VAT'" in outcome.output


@pytest.mark.usefixtures("broken_run")
def test_without_a_baseline_fail_under_sets_the_least_pass_rate(tmp_path: Path) -> None:
    args = ["eval", "run", str(SUITES), "--report-dir", str(tmp_path), "--fail-under", "0.9"]
    assert CliRunner().invoke(app, args).exit_code == 1
