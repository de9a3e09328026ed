"""Pass counts grouped by tag and by intent, shared by the terminal table and the HTML charts."""

from __future__ import annotations

from collections import defaultdict

from parley.evals.results import SuiteResult

__all__ = ["by_intent", "by_tag"]


def by_tag(result: SuiteResult) -> dict[str, tuple[int, int]]:
    """Per tag: (scenarios passed, scenarios), sorted by tag."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for scenario in result.scenarios:
        for tag in scenario.tags or ["untagged"]:
            counts[tag][0] += scenario.passed
            counts[tag][1] += 1
    return {tag: (p, t) for tag, (p, t) in sorted(counts.items())}


def by_intent(result: SuiteResult) -> dict[str, tuple[int, int]]:
    """Per expected intent: (scenarios passed, scenarios expecting it), sorted by intent."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for scenario in result.scenarios:
        for intent in set(scenario.intents) or {"(no intent expected)"}:
            counts[intent][0] += scenario.passed
            counts[intent][1] += 1
    return {intent: (p, t) for intent, (p, t) in sorted(counts.items())}
