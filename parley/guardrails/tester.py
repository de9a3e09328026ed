"""Dry runs of a business's guardrails on a test input, for the ``/api/v1/ai/guardrails/test`` endpoint.

Before loosening or tightening a rule, staff want to see what it does to a real message: which checks
matched, with what evidence, and how long they took. Nothing is stored and nothing is sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from parley.guardrails.agent_guard import AllowedTopics, verdict_record
from parley.guardrails.grounding import check_grounding
from parley.guardrails.leaks import check_leaks
from parley.guardrails.pii import check_pii
from parley.guardrails.pipeline import DocumentGuard, InputGuard
from parley.guardrails.promises import check_promises
from parley.guardrails.settings import RULES, GuardrailSettings
from parley.guardrails.tone import check_tone
from parley.guardrails.topics import check_message_size
from parley.guardrails.verdict import Action, Verdict, worst
from parley.knowledge.embeddings import Embedder

__all__ = ["INPUT_RULES", "OUTPUT_RULES", "GuardrailTest", "run_test"]

INPUT_RULES = ("size", "injection", "topics", "pii")
OUTPUT_RULES = ("grounding", "promises", "leaks", "tone")


class GuardrailTest(BaseModel):
    """A test input and what to run on it: one rule, or every rule of a stage."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    input: str = Field(min_length=1, max_length=20_000)
    rule: str | None = Field(
        None, description=f"One of {sorted(RULES)}; every rule of the stage when absent."
    )
    stage: Literal["input", "output"] = Field("input", description="Customer message or draft reply.")
    tool_results: list[Any] = Field(default_factory=list, description="The turn's tool results, for output.")
    user_message: str | None = None
    settings: GuardrailSettings | None = Field(
        None, description="Unsaved settings to try; the stored ones when absent."
    )

    @model_validator(mode="after")
    def _known_rule(self) -> GuardrailTest:
        if self.rule is not None and self.rule not in RULES:
            raise ValueError(f"unknown rule {self.rule!r}; choose from {sorted(RULES)}")
        return self


def _checks(
    test: GuardrailTest, settings: GuardrailSettings, vector: np.ndarray, embedder: Embedder
) -> dict[str, Callable[[], Verdict]]:
    profile = settings.profile_config()
    screen = InputGuard(profile, embedder=embedder)
    allowed = AllowedTopics.of(settings.allowed_topics, embedder)
    text, results = test.input, test.tool_results

    def topics() -> Verdict:
        verdict = screen.topics.check(text, vector)
        return allowed.rescue(verdict, vector) if allowed is not None else verdict

    return {
        "size": lambda: check_message_size(text, profile.size),
        "injection": lambda: screen.check_injection(text, vector),
        "topics": topics,
        "pii": lambda: check_pii(text, profile.pii),
        "document_injection": lambda: DocumentGuard(profile, embedder=embedder).check(text).verdict,
        "grounding": lambda: check_grounding(
            text, results, config=profile.grounding, user_message=test.user_message
        ),
        "promises": lambda: check_promises(text, results, config=profile.promises),
        "leaks": lambda: check_leaks(text, config=profile.leaks, tool_results=results),
        "tone": lambda: check_tone(text, profile.tone),
    }


def run_test(
    test: GuardrailTest, stored: GuardrailSettings, *, vector: np.ndarray, embedder: Embedder
) -> dict[str, Any]:
    """Run the chosen rules; report each verdict, the ones that matched, the outcome and the time taken."""
    started = time.perf_counter()
    checks = _checks(test, test.settings or stored, vector, embedder)
    names = [test.rule] if test.rule else list(INPUT_RULES if test.stage == "input" else OUTPUT_RULES)
    verdicts = [checks[name]() for name in names]
    decided = worst(verdicts) or Verdict.ok("guard.ok")
    records = [{"check": name, **verdict_record(v)} for name, v in zip(names, verdicts, strict=True)]
    return {
        "rule": test.rule,
        "stage": test.stage,
        "outcome": {"action": decided.action.value, "rule": decided.code, "message": decided.message},
        "results": records,
        "matched": [r for r in records if r["action"] != Action.PASS.value],
        "modified_text": next((v.modified_text for v in verdicts if v.modified_text is not None), None),
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
    }
