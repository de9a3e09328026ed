"""Blocked topics and the message size limit.

A business lists what its assistant does not discuss in three ways: words and phrases ("lawsuit"),
regular expressions, and short topic descriptions matched by meaning ("medical advice about symptoms").
The descriptions are embedded once per checker; each message reuses the turn's shared vector, so the
semantic part costs one small matrix product. :data:`HARMFUL_TOPICS` is a ready-made set of descriptions
for requests no business assistant should serve; the strict profile turns it on.
"""

from __future__ import annotations

import re

import numpy as np

from parley.guardrails.profile import MessageSizeConfig, TopicConfig
from parley.guardrails.topic_presets import HARMFUL_TOPICS
from parley.guardrails.verdict import Verdict, timed
from parley.knowledge.embeddings import Embedder

__all__ = ["HARMFUL_TOPICS", "TopicChecker", "check_message_size"]


class TopicChecker:
    """Blocks messages about topics the profile lists, by words, patterns or meaning."""

    def __init__(self, config: TopicConfig | None = None, *, embedder: Embedder | None = None) -> None:
        self.config = config or TopicConfig()
        self._embedder = embedder
        words = [re.escape(k.strip()) for k in self.config.keywords if k.strip()]
        self._keywords = re.compile(rf"\b(?:{'|'.join(words)})\b", re.IGNORECASE) if words else None
        self._patterns = [re.compile(p, re.IGNORECASE) for p in self.config.patterns]
        self._topic_names: list[str] = []
        self._topic_vectors: np.ndarray | None = None

    def _vectors(self) -> np.ndarray:
        if self._topic_vectors is None:
            if self._embedder is None:
                from parley.knowledge.embeddings import get_embedder

                self._embedder = get_embedder()
            pairs = [(name, d) for name, descs in self.config.topics.items() for d in descs]
            self._topic_names = [name for name, _ in pairs]
            self._topic_vectors = self._embedder.embed([d for _, d in pairs])
        return self._topic_vectors

    @timed
    def check(self, text: str, vector: np.ndarray | None = None) -> Verdict:
        """Judge a message; ``vector`` (the turn's shared MiniLM vector) enables the semantic match."""
        if not self.config.enabled:
            return Verdict.ok("topic.disabled")
        match = self._keywords.search(text) if self._keywords else None
        if match:
            return self._blocked("topic.keyword", f"'{match.group()}'", {"match": match.group()})
        for pattern in self._patterns:
            match = pattern.search(text)
            if match:
                details = {"pattern": pattern.pattern, "match": match.group()[:120]}
                return self._blocked("topic.pattern", "a blocked pattern", details)
        if self.config.topics and vector is not None:
            similarities = self._vectors() @ np.asarray(vector, dtype=np.float32).reshape(-1)
            best = int(np.argmax(similarities))
            score = float(similarities[best])
            if score >= self.config.similarity_threshold:
                topic = self._topic_names[best]
                return self._blocked(
                    "topic.semantic", f"the topic '{topic}'", {"topic": topic, "score": score}
                )
            return Verdict.ok("topic.ok", best_score=round(score, 4))
        return Verdict.ok("topic.ok")

    def _blocked(self, code: str, what: str, details: dict) -> Verdict:
        return Verdict(
            action=self.config.action,
            code=code,
            message=f"The message is about {what}, which this assistant does not discuss.",
            details=details,
        )


@timed
def check_message_size(text: str, config: MessageSizeConfig | None = None) -> Verdict:
    """Block messages longer than ``config.max_chars`` characters."""
    config = config or MessageSizeConfig()
    if not config.enabled or len(text) <= config.max_chars:
        return Verdict.ok("size.ok", chars=len(text))
    return Verdict(
        action=config.action,
        code="size.too_long",
        message=f"The message has {len(text)} characters; the limit is {config.max_chars}.",
        details={"chars": len(text), "max_chars": config.max_chars},
    )
