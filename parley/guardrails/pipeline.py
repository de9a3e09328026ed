"""The input and output screens: every check a profile enables, run in order, one result.

The runtime calls :meth:`InputGuard.check` on each customer message (with the turn's shared vector) and
:meth:`OutputGuard.check` on each draft reply (with the tool results of the same turn). The result carries
every verdict, for the audit log, and the text to pass on: the message with personal data redacted, or
the reply unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.guardrails.grounding import check_grounding
from parley.guardrails.indirect import DocumentInjectionDetector
from parley.guardrails.injection import InjectionDetector
from parley.guardrails.injection_model import InjectionModel
from parley.guardrails.leaks import check_leaks
from parley.guardrails.pii import check_pii
from parley.guardrails.profile import PROFILES, GuardrailProfile
from parley.guardrails.promises import check_promises
from parley.guardrails.tone import check_tone
from parley.guardrails.topics import TopicChecker, check_message_size
from parley.guardrails.verdict import Action, Verdict, worst
from parley.knowledge.embeddings import Embedder

__all__ = ["DocumentGuard", "GuardResult", "InputGuard", "OutputGuard"]


@dataclass(frozen=True)
class GuardResult:
    """All verdicts of one screen and the text to use downstream."""

    verdicts: tuple[Verdict, ...]
    text: str

    @property
    def verdict(self) -> Verdict:
        """The most severe verdict (a pass when every check passed)."""
        return worst(self.verdicts) or Verdict.ok("guard.ok")

    @property
    def action(self) -> Action:
        """The action of the most severe verdict."""
        return self.verdict.action

    @property
    def stops(self) -> bool:
        """True when the text must not go on (block or escalate)."""
        return self.verdict.stops


def _finish(verdicts: list[Verdict], text: str) -> GuardResult:
    for verdict in verdicts:
        if verdict.action == Action.MODIFY and verdict.modified_text is not None:
            text = verdict.modified_text
    return GuardResult(tuple(verdicts), text)


class InputGuard:
    """Screens customer messages: size, injection, blocked topics, then personal data."""

    def __init__(
        self,
        profile: GuardrailProfile | None = None,
        *,
        model: InjectionModel | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.profile = profile or PROFILES["balanced"]
        self.injection = InjectionDetector(self.profile.injection, model=model)
        self.topics = TopicChecker(self.profile.topics, embedder=embedder)
        trained_on = self.injection.model.meta.get("embedding_model")
        # The classifier only reads vectors of the model it was trained on; other embedders get patterns only.
        self._classifier_reads_vectors = embedder is None or embedder.model_name == trained_on

    def check_injection(self, text: str, vector: np.ndarray | None) -> Verdict:
        """The injection check alone, giving the classifier the vector only if it can read it."""
        return self.injection.check(text, vector if self._classifier_reads_vectors else None)

    def check(self, text: str, vector: np.ndarray | None) -> GuardResult:
        """Run the input checks on a message and its precomputed MiniLM vector (None: text checks only)."""
        size = check_message_size(text, self.profile.size)
        if size.stops:
            return GuardResult((size,), text)
        verdicts = [
            size,
            self.check_injection(text, vector),
            self.topics.check(text, vector),
            check_pii(text, self.profile.pii),
        ]
        return _finish(verdicts, text)


class OutputGuard:
    """Screens draft replies: grounded numbers, promises, leaks, tone."""

    def __init__(self, profile: GuardrailProfile | None = None) -> None:
        self.profile = profile or PROFILES["balanced"]

    def check(
        self,
        reply: str,
        *,
        tool_results: Iterable[Any] = (),
        system_prompt: str | None = None,
        customer_email: str | None = None,
        user_message: str | None = None,
        published: Iterable[str] = (),
    ) -> GuardResult:
        """Run the output checks on a reply, given the tool results of the same turn.

        ``published``: the business's own texts behind the reply (knowledge answer, template wording),
        which may state its policies, its contact address and example numbers ("ORD-2026-00042").
        """
        results = list(tool_results)
        texts = [text for text in published if text]
        grounds = [*results, *texts]
        verdicts = [
            check_grounding(reply, grounds, config=self.profile.grounding, user_message=user_message),
            check_promises(reply, results, config=self.profile.promises, published=texts),
            check_leaks(
                reply,
                config=self.profile.leaks,
                system_prompt=system_prompt,
                tool_results=results,
                customer_email=customer_email,
                published=texts,
            ),
            check_tone(reply, self.profile.tone),
        ]
        return _finish(verdicts, reply)


class DocumentGuard:
    """Screens an email or a retrieved document before the model reads it."""

    def __init__(
        self,
        profile: GuardrailProfile | None = None,
        *,
        model: InjectionModel | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.profile = profile or PROFILES["balanced"]
        self.detector = DocumentInjectionDetector(
            self.profile.document_injection, model=model, embedder=embedder
        )

    def check(self, document: str, *, segment_vectors: np.ndarray | None = None) -> GuardResult:
        """Run the document checks; ``segment_vectors`` as in :meth:`DocumentInjectionDetector.check`."""
        return _finish([self.detector.check(document, segment_vectors=segment_vectors)], document)
