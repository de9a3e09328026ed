"""Reports of a suite run: a terminal table, JSON, JUnit XML for CI and an HTML page with charts."""

from __future__ import annotations

from pathlib import Path

from parley.evals.report.html import write_html
from parley.evals.report.junit import write_junit
from parley.evals.report.terminal import print_summary
from parley.evals.results import SuiteResult

__all__ = ["print_summary", "write_html", "write_json", "write_junit", "write_reports"]


def write_json(result: SuiteResult, path: Path) -> Path:
    """The whole run as JSON: ``total`` and ``pass_rate`` at the top, then metrics and every scenario."""
    import json

    path.write_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def write_reports(result: SuiteResult, folder: Path) -> dict[str, Path]:
    """Write ``report.json``, ``junit.xml`` and ``report.html`` into the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "json": write_json(result, folder / "report.json"),
        "junit": write_junit(result, folder / "junit.xml"),
        "html": write_html(result, folder / "report.html"),
    }
