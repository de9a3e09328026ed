"""JUnit XML, which every CI shows as a test list: one test case per scenario, grouped by suite file."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from parley.evals.results import ScenarioResult, SuiteResult

__all__ = ["write_junit"]


def _case(parent: ET.Element, scenario: ScenarioResult) -> None:
    seconds = sum(scenario.latencies) / 1000
    case = ET.SubElement(
        parent, "testcase", name=scenario.id, classname=Path(scenario.source).stem, time=f"{seconds:.3f}"
    )
    if not scenario.passed:
        failures = next(run.failures for run in scenario.runs if not run.passed)
        failure = ET.SubElement(case, "failure", message=failures[0][:500] if failures else "failed")
        failure.text = "\n".join(failures)


def write_junit(result: SuiteResult, path: Path) -> Path:
    """Write the run as JUnit XML."""
    groups: dict[str, list[ScenarioResult]] = defaultdict(list)
    for scenario in result.scenarios:
        groups[Path(scenario.source).stem].append(scenario)
    root = ET.Element("testsuites", name=f"parley-evals-{result.engine}", time=f"{result.seconds:.3f}")
    for name, scenarios in sorted(groups.items()):
        suite = ET.SubElement(
            root,
            "testsuite",
            name=name,
            tests=str(len(scenarios)),
            failures=str(sum(not s.passed for s in scenarios)),
            errors="0",
        )
        for scenario in scenarios:
            _case(suite, scenario)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
