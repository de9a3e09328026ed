"""Baselines: a stored run to compare with, so a change that breaks conversations fails the build.

A baseline keeps, per scenario, whether it passed, its latency and cost, plus the overall metrics. A run
regresses when a scenario that passed now fails, or when the pass rate, latency or cost is worse than the
baseline by more than the tolerance. Scenarios that now pass and did not are reported as improvements
(record a new baseline to keep them).
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.evals.results import SuiteResult

__all__ = ["Comparison", "Tolerance", "compare", "load_baseline", "save_baseline"]


@dataclass(frozen=True)
class Tolerance:
    """How much worse a run may be: pass rate in points, latency and cost as a fraction of the baseline.

    Latency is measured on whatever machine runs the suite, so its default is generous, with an absolute
    slack for runs so fast that a ratio means nothing.
    """

    pass_rate: float = 0.0
    latency: float = 1.0
    latency_slack_ms: float = 100.0
    cost: float = 0.2


@dataclass
class Comparison:
    """What changed against the baseline; ``failed`` says whether the run must fail."""

    regressed: list[str] = field(default_factory=list)
    improved: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when a scenario regressed or a metric is worse than the tolerance allows."""
        return bool(self.regressed or self.metrics)

    def lines(self) -> list[str]:
        """Human-readable lines, worst first."""
        return (
            [f"REGRESSED {name}" for name in self.regressed]
            + [f"WORSE {text}" for text in self.metrics]
            + [f"improved {name}" for name in self.improved]
            + [f"new {name}" for name in self.new]
        )


def save_baseline(result: SuiteResult, path: Path) -> Path:
    """Record a run as the baseline."""
    data = {
        "engine": result.engine,
        "repeat": result.repeat,
        "metrics": result.metrics(),
        "scenarios": {
            s.id: {"passed": s.passed, "latency_ms": s.summary()["latency_ms"], "cost": s.summary()["cost"]}
            for s in sorted(result.scenarios, key=lambda s: s.id)
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load_baseline(path: Path) -> dict[str, Any]:
    """Read a baseline file."""
    return dict(json.loads(path.read_text(encoding="utf-8")))


def compare(result: SuiteResult, baseline: dict[str, Any], tolerance: Tolerance | None = None) -> Comparison:
    """Compare a run with a baseline; only scenarios in both count towards regressions."""
    tolerance = tolerance or Tolerance()
    comparison = Comparison()
    before: dict[str, Any] = baseline.get("scenarios", {})
    for scenario in sorted(result.scenarios, key=lambda s: s.id):
        old = before.get(scenario.id)
        if old is None:
            comparison.new.append(f"{scenario.id} ({'pass' if scenario.passed else 'fail'})")
        elif old["passed"] and not scenario.passed:
            failures = next(run.failures for run in scenario.runs if not run.passed)
            reason = failures[0].splitlines()[0] if failures else ""
            comparison.regressed.append(f"{scenario.id}: {reason}")
        elif not old["passed"] and scenario.passed:
            comparison.improved.append(scenario.id)
    shared = [s for s in result.scenarios if s.id in before]
    if not shared:
        return comparison
    rate = sum(s.passed for s in shared) / len(shared)
    old_rate = sum(before[s.id]["passed"] for s in shared) / len(shared)
    if rate < old_rate - tolerance.pass_rate - 1e-9:
        comparison.metrics.append(f"pass rate {rate:.1%} < baseline {old_rate:.1%}")
    # Latency and cost over the scenarios both runs hold, so a filtered run compares like with like.
    latency = statistics.fmean(s.summary()["latency_ms"] for s in shared)
    old_latency = statistics.fmean(float(before[s.id]["latency_ms"]) for s in shared)
    limit = old_latency * (1 + tolerance.latency) + tolerance.latency_slack_ms
    if latency > limit:
        comparison.metrics.append(f"mean latency {latency:.0f} ms > {limit:.0f} ms allowed")
    cost = sum(s.summary()["cost"] for s in shared)
    old_cost = sum(float(before[s.id]["cost"]) for s in shared)
    if cost > old_cost * (1 + tolerance.cost) + 1e-9:
        comparison.metrics.append(f"cost {cost:.6f} > baseline {old_cost:.6f} (+{tolerance.cost:.0%})")
    return comparison
