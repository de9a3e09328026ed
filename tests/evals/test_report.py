"""Reports: JSON with total and pass rate at the top, JUnit XML a CI can read, an HTML page with charts."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from parley.evals.report import print_summary, write_reports
from tests.evals.helpers import scenario_result, suite_result

pytestmark = pytest.mark.backend("sqlite")


@pytest.fixture
def reports(tmp_path: Path) -> dict[str, Path]:
    result = suite_result(
        scenario_result("price-ok", passed=True),
        scenario_result("price-broken", passed=False),
        scenario_result("hello", passed=True, tags=["greeting"]),
    )
    return write_reports(result, tmp_path / "reports")


def test_the_json_report_starts_with_total_and_pass_rate_as_a_fraction(reports: dict[str, Path]) -> None:
    data = json.loads(reports["json"].read_text())
    assert list(data)[:2] == ["total", "pass_rate"]
    assert data["total"] == 3 and data["pass_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert {s["id"]: s["passed"] for s in data["scenarios"]}["price-broken"] is False


def test_the_junit_report_lists_each_scenario_and_its_failure(reports: dict[str, Path]) -> None:
    root = ET.parse(reports["junit"]).getroot()
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(cases) == {"price-ok", "price-broken", "hello"}
    failure = cases["price-broken"].find("failure")
    assert failure is not None and "reply lacks 'VAT'" in (failure.text or "")
    assert cases["price-ok"].find("failure") is None


def test_the_html_report_has_charts_and_the_transcripts(reports: dict[str, Path]) -> None:
    page = reports["html"].read_text()
    for title in ("Pass rate by intent", "Pass rate by tag", "Turn latency", "Cost per scenario"):
        assert title in page
    assert page.count("<svg") >= 3
    assert "price of VC-125?" in page and "reply lacks" in page


def test_the_terminal_summary_names_the_failed_scenario() -> None:
    console = Console(record=True, width=120)
    print_summary(suite_result(scenario_result("price-broken", passed=False)), console)
    text = console.export_text()
    assert "FAIL price-broken" in text and "0%" in text
