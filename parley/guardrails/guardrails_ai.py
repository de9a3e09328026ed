"""Parley's checks as guardrails-ai validators, for teams that compose guards with that library.

Each validator is a thin adapter: it runs the Parley check and reports the verdict (pass and warn pass;
modify fails with the redacted text as ``fix_value``; block and escalate fail), with the whole verdict in
the result's metadata under ``"parley_verdict"`` (read them back with :func:`verdicts_of_last_call`). Per-call inputs go in ``metadata``: ``vector`` (the
message's MiniLM vector; embedded on the spot when absent), ``tool_results``, ``system_prompt``,
``customer_email``, ``user_message``. guardrails-ai is imported offline through
:func:`parley.guardrails.offline.import_guardrails` on first use, never at module import.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from parley.guardrails.grounding import check_grounding
from parley.guardrails.indirect import DocumentInjectionDetector
from parley.guardrails.injection import InjectionDetector
from parley.guardrails.leaks import check_leaks
from parley.guardrails.offline import import_guardrails
from parley.guardrails.pii import check_pii
from parley.guardrails.profile import PROFILES, GuardrailProfile
from parley.guardrails.promises import check_promises
from parley.guardrails.tone import check_tone
from parley.guardrails.topics import TopicChecker, check_message_size
from parley.guardrails.verdict import Action, Verdict

__all__ = ["build_input_guard", "build_output_guard", "validator_classes", "verdicts_of_last_call"]

Check = Callable[[str, dict[str, Any]], Verdict]


def _vector(value: str, metadata: dict[str, Any]) -> np.ndarray:
    vector = metadata.get("vector")
    if vector is None:
        from parley.knowledge.embeddings import embed_message, get_embedder

        vector = embed_message(get_embedder(), value)
    return np.asarray(vector, dtype=np.float32)


def _checks(profile: GuardrailProfile) -> dict[str, Callable[[], Check]]:
    """Factories of the check functions, by validator name, configured from ``profile``."""

    def injection() -> Check:
        detector = InjectionDetector(profile.injection)
        return lambda value, md: detector.check(value, _vector(value, md))

    def document() -> Check:
        detector = DocumentInjectionDetector(profile.document_injection)
        return lambda value, md: detector.check(value, segment_vectors=md.get("segment_vectors"))

    def topics() -> Check:
        checker = TopicChecker(profile.topics)
        return lambda value, md: checker.check(value, _vector(value, md) if profile.topics.topics else None)

    return {
        "parley/message_size": lambda: lambda value, md: check_message_size(value, profile.size),
        "parley/injection": injection,
        "parley/document_injection": document,
        "parley/topics": topics,
        "parley/pii": lambda: lambda value, md: check_pii(value, profile.pii),
        "parley/grounding": lambda: (
            lambda value, md: check_grounding(
                value,
                md.get("tool_results", []),
                config=profile.grounding,
                user_message=md.get("user_message"),
            )
        ),
        "parley/promises": lambda: (
            lambda value, md: check_promises(value, md.get("tool_results", []), config=profile.promises)
        ),
        "parley/leaks": lambda: (
            lambda value, md: check_leaks(
                value,
                config=profile.leaks,
                system_prompt=md.get("system_prompt"),
                tool_results=md.get("tool_results", []),
                customer_email=md.get("customer_email"),
            )
        ),
        "parley/tone": lambda: lambda value, md: check_tone(value, profile.tone),
    }


@lru_cache(maxsize=1)
def validator_classes() -> dict[str, type]:
    """Register Parley's validators with guardrails-ai (once) and return them by name."""
    import_guardrails()
    from guardrails.validator_base import FailResult, PassResult, Validator, register_validator

    class ParleyValidator(Validator):
        """Runs one Parley check, chosen by the registered name, and reports its verdict."""

        def __init__(self, profile: GuardrailProfile | None = None, on_fail: Any = "noop", **kwargs: Any):
            super().__init__(on_fail=on_fail, **kwargs)
            self._check = _checks(profile or PROFILES["balanced"])[self.rail_alias]()

        def _validate(self, value: Any, metadata: dict[str, Any]) -> Any:
            verdict = self._check(str(value), metadata)
            # guardrails-ai hands a result's metadata to the next validator, so keep the caller's keys.
            record = {**metadata, "parley_verdict": verdict.model_dump(mode="json")}
            if verdict.action in (Action.PASS, Action.WARN):
                return PassResult(metadata=record)
            return FailResult(
                error_message=verdict.message or verdict.code,
                fix_value=verdict.modified_text,
                metadata=record,
            )

    classes: dict[str, type] = {}
    for name in _checks(PROFILES["balanced"]):
        class_name = "Parley" + "".join(p.title() for p in name.split("/")[1].split("_"))
        cls = type(class_name, (ParleyValidator,), {"__doc__": f"guardrails-ai adapter for {name}."})
        classes[name] = register_validator(name=name, data_type="string")(cls)
    return classes


def _guard(names: list[str], profile: GuardrailProfile, on_fail: Any) -> Any:
    guardrails = import_guardrails()
    classes = validator_classes()
    validators = [classes[n](profile, on_fail="fix" if n == "parley/pii" else on_fail) for n in names]
    return guardrails.Guard().use(*validators)


def build_input_guard(profile: GuardrailProfile | None = None, *, on_fail: Any = "noop") -> Any:
    """A ``guardrails.Guard`` running the input checks; personal data is fixed (redacted)."""
    names = ["parley/message_size", "parley/injection", "parley/topics", "parley/pii"]
    return _guard(names, profile or PROFILES["balanced"], on_fail)


def build_output_guard(profile: GuardrailProfile | None = None, *, on_fail: Any = "noop") -> Any:
    """A ``guardrails.Guard`` running the output checks; pass ``metadata={"tool_results": ...}``."""
    names = ["parley/grounding", "parley/promises", "parley/leaks", "parley/tone"]
    return _guard(names, profile or PROFILES["balanced"], on_fail)


def verdicts_of_last_call(guard: Any) -> list[Verdict]:
    """The Parley verdicts recorded by the guard's most recent ``validate`` call, in validator order."""
    verdicts = []
    for iteration in guard.history.last.iterations:
        for log in iteration.validator_logs:
            metadata = getattr(log.validation_result, "metadata", None) or {}
            if "parley_verdict" in metadata:
                verdicts.append(Verdict.model_validate(metadata["parley_verdict"]))
    return verdicts
