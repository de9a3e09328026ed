"""What a run found, per turn, per run of a scenario, per scenario and overall; JSON-ready throughout."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["RunResult", "ScenarioResult", "SuiteResult", "TurnResult"]


@dataclass
class TurnResult:
    """One customer message, the reply and the expectations it failed."""

    say: str
    reply: str
    intent: str | None
    status: str
    tools: list[str]
    failures: list[str]
    latency_ms: float
    tokens: int = 0
    cost: float = 0.0
    tp: int = 0
    fp: int = 0
    fn: int = 0


@dataclass
class RunResult:
    """One run of a scenario (``--repeat`` makes several)."""

    turns: list[TurnResult] = field(default_factory=list)
    end_state: list[str] = field(default_factory=list)
    error: str | None = None
    judge: dict[str, Any] | None = None

    @property
    def passed(self) -> bool:
        """No error, no failed expectation in any turn, the expected end state, and the judge (if any) content."""
        judged = self.judge is None or self.judge.get("failure") is None
        return (
            self.error is None and judged and not self.end_state and not any(t.failures for t in self.turns)
        )

    @property
    def failures(self) -> list[str]:
        """Every failure, prefixed with its turn."""
        found = [f"turn {i}: {f}" for i, turn in enumerate(self.turns, 1) for f in turn.failures]
        found += [f"end state: {f}" for f in self.end_state]
        found += [self.judge["failure"]] if self.judge and self.judge.get("failure") else []
        return found + ([f"error: {self.error}"] if self.error else [])


@dataclass
class ScenarioResult:
    """All runs of one scenario."""

    id: str
    title: str
    tags: list[str]
    intents: list[str]
    source: str
    runs: list[RunResult]

    @property
    def passed(self) -> bool:
        """pass^k: every run passed (with one run, simply whether it passed)."""
        return all(run.passed for run in self.runs)

    @property
    def pass_rate(self) -> float:
        """The share of runs that passed (pass@1 estimated over k runs)."""
        return sum(run.passed for run in self.runs) / len(self.runs)

    @property
    def latencies(self) -> list[float]:
        """Latency of every turn of every run, in milliseconds."""
        return [turn.latency_ms for run in self.runs for turn in run.turns]

    def summary(self) -> dict[str, Any]:
        """The scenario's metrics and failures, for reports and baselines."""
        turns = [turn for run in self.runs for turn in run.turns]
        return {
            "id": self.id,
            "title": self.title,
            "tags": self.tags,
            "intents": self.intents,
            "source": self.source,
            "passed": self.passed,
            "pass_rate": round(self.pass_rate, 4),
            "latency_ms": round(statistics.fmean(self.latencies), 2) if self.latencies else 0.0,
            "tokens": sum(t.tokens for t in turns),
            "cost": round(sum(t.cost for t in turns), 6),
            "failures": next((run.failures for run in self.runs if not run.passed), []),
            "runs": [asdict(run) | {"passed": run.passed} for run in self.runs],
        }


def _ratio(hit: int, total: int) -> float:
    return round(hit / total, 4) if total else 1.0


@dataclass
class SuiteResult:
    """A whole run of a suite."""

    engine: str
    repeat: int
    scenarios: list[ScenarioResult]
    seconds: float = 0.0

    def metrics(self) -> dict[str, Any]:
        """The overall numbers a baseline compares: pass rate, pass^k, latency, tokens, cost, tool scores."""
        turns = [turn for s in self.scenarios for run in s.runs for turn in run.turns]
        latencies = sorted(turn.latency_ms for turn in turns)
        tp, fp, fn = (sum(getattr(t, k) for t in turns) for k in ("tp", "fp", "fn"))
        scores = [
            run.judge["score"]
            for s in self.scenarios
            for run in s.runs
            if run.judge and run.judge.get("score") is not None
        ]
        total = len(self.scenarios)
        return {
            "total": total,
            "passed": sum(s.passed for s in self.scenarios),
            "pass_rate": _ratio(sum(s.passed for s in self.scenarios), total),
            "pass_at_1": round(statistics.fmean(s.pass_rate for s in self.scenarios), 4) if total else 1.0,
            "pass_hat_k": _ratio(sum(s.passed for s in self.scenarios), total),
            "latency_ms_mean": round(statistics.fmean(latencies), 2) if latencies else 0.0,
            "latency_ms_p95": round(latencies[int(0.95 * (len(latencies) - 1))], 2) if latencies else 0.0,
            "tokens": sum(t.tokens for t in turns),
            "cost": round(sum(t.cost for t in turns), 6),
            "tool_precision": _ratio(tp, tp + fp),
            "tool_recall": _ratio(tp, tp + fn),
            "judge_mean": round(statistics.fmean(scores), 2) if scores else None,
        }

    def to_json(self) -> dict[str, Any]:
        """``total`` and ``pass_rate`` first (as CI and the issue ask), then the details."""
        metrics = self.metrics()
        return {
            "total": metrics["total"],
            "pass_rate": metrics["pass_rate"],
            "engine": self.engine,
            "repeat": self.repeat,
            "seconds": round(self.seconds, 2),
            "metrics": metrics,
            "scenarios": [s.summary() for s in self.scenarios],
        }
