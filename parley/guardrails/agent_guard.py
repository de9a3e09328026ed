"""The agent's default guard: the guardrails pipeline with each business's settings, one turn at a time.

The graph's guard nodes ask ``context.guard`` (see :mod:`parley.agent.nodes.guards`); this module gives
them a :class:`TurnGuard` built from the business's stored settings and the conversation's length; its
``settings.thresholds`` are what the graph and the action guard enforce. Input checks reuse the turn's
message vector (never a second embedding); allowed topics may lift a blocked topic's verdict; output checks
trace every number in the reply to the turn's tool results. Each answer carries every check's verdict.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.guardrails.pipeline import GuardResult, InputGuard, OutputGuard
from parley.guardrails.settings import GuardrailSettings
from parley.guardrails.verdict import Action, Verdict
from parley.knowledge.embeddings import Embedder

__all__ = ["AllowedTopics", "GuardrailsProvider", "TurnGuard", "verdict_record"]

_MAX_CACHED = 64


def verdict_record(verdict: Verdict) -> dict[str, Any]:
    """One check as stored on the message and shown in the conversation detail."""
    return {
        "rule": verdict.code,
        "action": verdict.action.value,
        "message": verdict.message,
        "details": verdict.details,
        "duration_ms": round(verdict.duration_ms, 3),
    }


def _answer(result: GuardResult, original: str, *, text_key: str) -> dict[str, Any]:
    """The graph's shape: ``verdict`` pass/block/rewrite plus the deciding action and rule, and every check."""
    decided = result.verdict
    if result.stops:
        verdict = "block"
    elif result.text != original:
        verdict = "rewrite"
    else:
        verdict = "pass"
    answer: dict[str, Any] = {
        "verdict": verdict,
        "action": decided.action.value,
        "rule": decided.code,
        "checks": [verdict_record(v) for v in result.verdicts],
    }
    if verdict == "rewrite":
        answer[text_key] = result.text
    return answer


@dataclass(frozen=True)
class AllowedTopics:
    """A business's allowed topics, embedded once: they win over a blocked topic they are closer to.

    A business that blocks "politics" but allows "shipping to other countries" still wants "can you ship to
    Ukraine?" answered; a message is let through when an allowed topic matches it at least as well as the
    blocked topic that fired.
    """

    names: tuple[str, ...]
    vectors: np.ndarray

    @classmethod
    def of(cls, topics: Iterable[str], embedder: Embedder | None) -> AllowedTopics | None:
        """The embedded topics, or None when there are none or nothing to embed them with."""
        names = tuple(topics)
        if not names or embedder is None:
            return None
        return cls(names, np.asarray(embedder.embed(list(names)), dtype=np.float32))

    def rescue(self, verdict: Verdict, vector: np.ndarray | None) -> Verdict:
        """A pass for a semantic topic block that an allowed topic matches at least as closely."""
        if vector is None or verdict.code != "topic.semantic" or not verdict.stops:
            return verdict
        scores = self.vectors @ np.asarray(vector, dtype=np.float32).reshape(-1)
        best = int(np.argmax(scores))
        if float(scores[best]) < float(verdict.details.get("score", 1.0)):
            return verdict
        return Verdict.ok(
            "topic.allowed",
            topic=self.names[best],
            score=round(float(scores[best]), 4),
            blocked=verdict.details.get("topic"),
        )


class TurnGuard:
    """The guard of one turn in one conversation, with the business's profile already resolved."""

    def __init__(
        self,
        settings: GuardrailSettings,
        input_guard: InputGuard,
        output_guard: OutputGuard,
        *,
        customer_messages: int = 0,
        allowed: AllowedTopics | None = None,
    ) -> None:
        self.settings = settings
        self.input_guard = input_guard
        self.output_guard = output_guard
        self.customer_messages = customer_messages
        self.allowed = allowed

    def _conversation_limit(self) -> Verdict:
        limit = self.settings.thresholds.max_messages_per_conversation
        if self.customer_messages <= limit:
            return Verdict.ok("rate.ok", messages=self.customer_messages, limit=limit)
        return Verdict(
            action=Action.ESCALATE,
            code="rate.max_messages",
            message=f"The conversation has {self.customer_messages} customer messages; the limit is {limit}.",
            details={"messages": self.customer_messages, "limit": limit},
        )

    async def check_input(self, text: str, vector: np.ndarray | None) -> dict[str, Any]:
        """Screen the customer's message; ``text`` in the answer is the message with personal data redacted."""
        limit = self._conversation_limit()
        if limit.stops:
            return _answer(GuardResult((limit,), text), text, text_key="text")
        result = await asyncio.to_thread(self.input_guard.check, text, vector)
        verdicts = result.verdicts
        if self.allowed is not None:
            verdicts = tuple(self.allowed.rescue(v, vector) for v in verdicts)
        return _answer(GuardResult((limit, *verdicts), result.text), text, text_key="text")

    async def check_output(
        self,
        reply: str,
        facts: Mapping[str, Any],
        tool_calls: Iterable[Mapping[str, Any]],
        *,
        user_message: str | None = None,
        published: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Screen a draft reply against the tool results of this turn (and the facts derived from them).

        ``published``: the business's own texts the reply may quote (see ``OutputGuard.check``).
        """
        results: list[Any] = [call.get("result") for call in tool_calls]
        if facts:
            results.append(dict(facts))
        result = self.output_guard.check(
            reply, tool_results=results, user_message=user_message, published=published
        )
        return _answer(result, reply, text_key="reply")


_Pipeline = tuple[InputGuard, OutputGuard, AllowedTopics | None]


class GuardrailsProvider:
    """Builds each turn's guard from the business's settings; profiles are cached per settings."""

    def __init__(self) -> None:
        self._guards: dict[tuple[str, str], _Pipeline] = {}

    def _pipeline(self, settings: GuardrailSettings, embedder: Embedder | None) -> _Pipeline:
        key = (settings.model_dump_json(), getattr(embedder, "model_name", ""))
        if key not in self._guards:
            if len(self._guards) >= _MAX_CACHED:
                self._guards.clear()
            profile = settings.profile_config()
            allowed = AllowedTopics.of(settings.allowed_topics, embedder)
            self._guards[key] = (InputGuard(profile, embedder=embedder), OutputGuard(profile), allowed)
        return self._guards[key]

    def for_turn(
        self, settings: GuardrailSettings, *, customer_messages: int, embedder: Embedder | None = None
    ) -> TurnGuard:
        """The guard for one turn.

        ``customer_messages``: the conversation's so far, this one included; ``embedder``: the one that made
        the turn's vector.
        """
        input_guard, output_guard, allowed = self._pipeline(settings, embedder)
        return TurnGuard(
            settings, input_guard, output_guard, customer_messages=customer_messages, allowed=allowed
        )
