"""The summary a developer reads after a run: pass rate by tag, the overall numbers, what failed."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from parley.evals.report.groups import by_tag
from parley.evals.results import SuiteResult

__all__ = ["print_summary"]


def print_summary(result: SuiteResult, console: Console | None = None) -> None:
    """Print the per-tag table, the overall metrics and the failed scenarios with their first reason."""
    console = console or Console()
    table = Table(title=f"Parley evals ({result.engine} engine, repeat {result.repeat})")
    for column in ("tag", "scenarios", "passed", "pass rate"):
        table.add_column(column, justify="left" if column == "tag" else "right")
    for tag, (passed, total) in by_tag(result).items():
        table.add_row(tag, str(total), str(passed), f"{passed / total:.0%}")
    metrics = result.metrics()
    table.add_section()
    table.add_row(
        "all", str(metrics["total"]), str(metrics["passed"]), f"{metrics['pass_rate']:.0%}", style="bold"
    )
    console.print(table)
    console.print(
        f"latency mean {metrics['latency_ms_mean']} ms, p95 {metrics['latency_ms_p95']} ms; "
        f"tokens {metrics['tokens']}; cost {metrics['cost']}; tool precision {metrics['tool_precision']}, "
        f"recall {metrics['tool_recall']}; {result.seconds:.1f} s"
    )
    for scenario in result.scenarios:
        if not scenario.passed:
            failures = next(run.failures for run in scenario.runs if not run.passed)
            console.print(f"[red]FAIL[/red] {scenario.id}: {failures[0].splitlines()[0] if failures else ''}")
