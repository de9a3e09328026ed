"""A tenant's intent classifier: a linear head over the shared embedding plus n-grams, with a threshold.

Why this shape: a business edits its phrases through the API and expects the change to take effect in
seconds, on two shared CPU cores, so the head is a multinomial logistic regression. While building
``bench/intent.py`` a linear SVM matched it with plenty of data but fell behind in the 10-shot setting a
new tenant is in, and a small MLP on the embedding was no more accurate. The confidence weighs an intent
against the trained out-of-scope class (the gap between their logits) and discounts it by how close the
message is to the nearest training phrase: a message far from everything the business wrote often still
gets a clear winner among the intents, and the similarity catches those. The gap replaced a softmax over
all classes, which also marks a message down when two intents share its wording: on held-out folds of
CLINC150 the gap rejected more out-of-scope queries at the same in-scope accuracy (see ``bench/intent.py``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from parley.agent.intent.features import FeatureConfig, TextFeatures
from parley.agent.intent.storage import pack, unpack
from parley.agent.intent.types import OUT_OF_SCOPE, IntentExample, IntentPrediction, ScoredIntent

__all__ = ["ClassifierConfig", "IntentClassifier", "combine_scores", "with_neighbours"]


@dataclass(frozen=True, slots=True)
class ClassifierConfig:
    """Hyper-parameters of the head and of the confidence.

    The defaults come from ``bench/intent.py``: C=10 was best on CLINC150's validation split and on a
    held-out part of BANKING77's training split. Temperature 2 with exponent 2 rejected the most held-out
    out-of-scope phrases when each of five folds of CLINC150's training split was scored by a model fitted
    on the other four, with the threshold chosen on the validation split.

    Attributes:
        features: How the embedding and n-gram blocks are weighted.
        c: Inverse L2 regularisation strength of the logistic regression.
        temperature: The logit gap to the out-of-scope class is divided by it; with ``similarity_power`` it
            sets how much the gap counts against the nearest-phrase similarity.
        similarity_power: Exponent of the nearest-phrase cosine similarity in the confidence.
        neighbour_weight: How much an intent's logit is marked down by how much further its own closest
            phrase is from the message than the closest phrase of any intent (0 turns it off), or None to
            choose it at fit time by cross-validation from ``NEIGHBOUR_WEIGHTS``. It helps where intents
            share their words and differ in a few phrasings (BANKING77), not on CLINC150.
        threshold: A fixed out-of-scope threshold, or None to choose one at fit time by cross-validation.
        max_rejection: With ``threshold=None``, the share of correctly classified, unseen in-scope phrases
            that the threshold may reject.
        cv_folds: Folds of that cross-validation (fewer when an intent has fewer phrases).
        max_iter: Iteration cap of the solver.

    """

    features: FeatureConfig = field(default_factory=FeatureConfig)
    c: float = 10.0
    temperature: float = 2.0
    similarity_power: float = 2.0
    neighbour_weight: float | None = None
    threshold: float | None = None
    max_rejection: float = 0.03
    cv_folds: int = 5
    max_iter: int = 1000


def combine_scores(
    logits: np.ndarray, nearest: np.ndarray, *, n_intents: int, temperature: float, similarity_power: float
) -> np.ndarray:
    """Confidence of each in-scope intent = odds / (1 + odds), in [0, 1].

    odds = exp((logit of the intent - logit of out-of-scope) / temperature) x nearest similarity ** power.
    Without a trained out-of-scope class the mean logit stands in for it. Not a calibrated probability: it is
    a score to rank and threshold, comparable within one model.
    """
    reference = logits[:, n_intents] if logits.shape[1] > n_intents else logits.mean(axis=1)
    gap = (logits[:, :n_intents] - reference[:, None]) / temperature
    # Floored so that a phrase at zero or negative similarity gets a tiny confidence, not log(0).
    discount = similarity_power * np.log(np.clip(nearest, 1e-12, 1.0))
    return expit(gap + discount[:, None])


def with_neighbours(logits: np.ndarray, per_intent: np.ndarray, *, weight: float) -> np.ndarray:
    """The logits with each intent marked down by how much further than the nearest intent its phrases are.

    Over a linear head, the nearest phrases decide between intents whose wording overlaps ("card not
    working" and "card declined"); the intent closest to the message keeps its logit, so the out-of-scope
    evidence of the nearest-phrase similarity is unchanged.
    """
    if not weight:
        return logits
    n_intents = per_intent.shape[1]
    out = np.array(logits, dtype=np.float64)
    out[:, :n_intents] += weight * (per_intent - per_intent.max(axis=1, keepdims=True))
    return out


class IntentClassifier:
    """Maps a message (its text and its precomputed embedding) to one of a tenant's intents or out-of-scope.

    ``predict`` costs a TF-IDF transform, one sparse matrix product and one dot product against the
    training phrases: well under a millisecond for a tenant-sized model, and no transformer pass.
    """

    def __init__(self, config: ClassifierConfig | None = None) -> None:
        self.config = config or ClassifierConfig()
        self.threshold: float = self.config.threshold if self.config.threshold is not None else 0.0
        self._labels: tuple[str, ...] = ()
        self._n_intents = 0
        self._features = TextFeatures(self.config.features)
        self._embedding_weights = np.zeros((0, 0))
        self._ngram_weights = np.zeros((0, 0))
        self._intercept = np.zeros(0)
        self._phrases = np.zeros((0, 0), dtype=np.float32)
        self._phrase_starts = np.zeros(0, dtype=np.int64)

    @property
    def intents(self) -> tuple[str, ...]:
        """The in-scope intents this classifier can answer, sorted."""
        return self._labels[: self._n_intents]

    def fit(
        self,
        examples: Sequence[IntentExample],
        vectors: np.ndarray,
        *,
        out_of_scope: Sequence[str] = (),
        out_of_scope_vectors: np.ndarray | None = None,
    ) -> IntentClassifier:
        """Train on a tenant's phrases; examples whose intent is ``out_of_scope`` count as out-of-scope ones.

        Args:
            examples: Phrases with their intents.
            vectors: The shared embedding of each phrase, in the same order.
            out_of_scope: Messages the agent should not serve (weather, jokes...), trained as their own class.
            out_of_scope_vectors: Their embeddings, in the same order.

        Returns:
            The classifier itself, fitted, with its threshold set (see ``ClassifierConfig.threshold``).

        """
        texts = [e.text for e in examples] + list(out_of_scope)
        labels = [e.intent for e in examples] + [OUT_OF_SCOPE] * len(out_of_scope)
        extra = np.zeros((0, np.shape(vectors)[1])) if out_of_scope_vectors is None else out_of_scope_vectors
        all_vectors = np.vstack([np.asarray(vectors, np.float32), np.asarray(extra, np.float32)])
        if len(texts) != len(all_vectors):
            raise ValueError(f"got {len(texts)} phrases but {len(all_vectors)} embedding vectors")
        self._fit_arrays(texts, all_vectors, labels)
        if self.config.threshold is None or self.config.neighbour_weight is None:
            from parley.agent.intent.crossval import cross_validate

            chosen = cross_validate(self.config, texts, all_vectors, labels)
            self.config = replace(self.config, neighbour_weight=chosen.neighbour_weight)
            if self.config.threshold is None:
                self.threshold = chosen.threshold
        return self

    def _fit_arrays(self, texts: list[str], vectors: np.ndarray, labels: list[str]) -> None:
        intents = sorted(set(labels) - {OUT_OF_SCOPE})
        has_oos = OUT_OF_SCOPE in labels
        if len(intents) + has_oos < 2:
            raise ValueError("need at least two intents, or one intent and some out-of-scope examples")
        self._labels = (*intents, OUT_OF_SCOPE) if has_oos else tuple(intents)
        self._n_intents = len(intents)
        index = {label: i for i, label in enumerate(self._labels)}
        y = np.array([index[label] for label in labels])
        in_scope = np.flatnonzero(y < self._n_intents)
        by_intent = in_scope[np.argsort(y[in_scope], kind="stable")]
        self._phrases = vectors[by_intent]
        self._phrase_starts = np.searchsorted(y[by_intent], np.arange(self._n_intents))
        self._features = TextFeatures(self.config.features).fit(texts)
        model = LogisticRegression(C=self.config.c, max_iter=self.config.max_iter)
        # One BLAS thread: on two shared cores, threaded L-BFGS spun and was 3-4x slower (measured).
        # An unconverged fit is still a usable model; a tenant's save must not fail because of it.
        with threadpool_limits(limits=1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(self._features.transform(texts, vectors), y)
        coef, intercept = model.coef_, model.intercept_
        if len(self._labels) == 2:  # sklearn keeps one row for two classes: logit(class 1) - logit(class 0)
            coef, intercept = (
                np.vstack([-coef / 2, coef / 2]),
                np.array([-intercept[0] / 2, intercept[0] / 2]),
            )
        # Stored transposed and contiguous, split at the embedding: a sparse row times a strided view made
        # scipy copy the whole matrix on every call (46 ms per message on a CLINC-sized model).
        dim = vectors.shape[1]
        self._embedding_weights = np.ascontiguousarray(coef[:, :dim].T)
        self._ngram_weights = np.ascontiguousarray(coef[:, dim:].T)
        self._intercept = np.asarray(intercept, dtype=np.float64)

    def scores(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Confidence of every in-scope intent (columns in ``intents`` order) for a batch of messages."""
        logits, nearest = self.raw_scores(texts, vectors)
        return combine_scores(
            logits,
            nearest,
            n_intents=self._n_intents,
            temperature=self.config.temperature,
            similarity_power=self.config.similarity_power,
        )

    def raw_scores(self, texts: list[str], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The logits of every class and each message's cosine similarity to its nearest in-scope phrase.

        The intents' logits already carry the neighbour term (``ClassifierConfig.neighbour_weight``).
        Exposed so that a benchmark can try several temperatures and exponents without recomputing them.
        """
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(texts) != len(vectors):
            raise ValueError(f"got {len(texts)} texts but {len(vectors)} embedding vectors")
        # Same product as transform(...) @ coef.T, without stacking a dense block into a sparse matrix.
        weighted = vectors.astype(np.float64) * self.config.features.embedding_weight
        logits = weighted @ self._embedding_weights + self._features.ngrams(texts) @ self._ngram_weights
        per_intent = self.nearest_per_intent(vectors)
        logits = np.asarray(logits) + self._intercept
        weight = self.config.neighbour_weight or 0.0
        return with_neighbours(logits, per_intent, weight=weight), per_intent.max(axis=1)

    def nearest_per_intent(self, vectors: np.ndarray) -> np.ndarray:
        """Each message's cosine similarity to the closest training phrase of each in-scope intent."""
        out = np.zeros((len(vectors), self._n_intents), dtype=np.float64)
        for start in range(0, len(vectors), 1024):  # bounded memory when scoring a whole benchmark
            similarity = vectors[start : start + 1024] @ self._phrases.T
            out[start : start + 1024] = np.maximum.reduceat(similarity, self._phrase_starts, axis=1)
        return out

    def predict(self, text: str, vector: np.ndarray, *, top_k: int = 3) -> IntentPrediction:
        """Classify one customer message from its text and the embedding the turn already computed."""
        return self.predict_many([text], np.asarray(vector).reshape(1, -1), top_k=top_k)[0]

    def predict_many(
        self, texts: list[str], vectors: np.ndarray, *, top_k: int = 3
    ) -> list[IntentPrediction]:
        """Classify a batch of messages; the same decision as :meth:`predict`, message by message."""
        if not self._labels:
            raise RuntimeError("the intent classifier is not fitted; call fit() or load a stored one")
        logits, nearest = self.raw_scores(texts, vectors)
        scores = combine_scores(
            logits,
            nearest,
            n_intents=self._n_intents,
            temperature=self.config.temperature,
            similarity_power=self.config.similarity_power,
        )
        rejected = self.out_of_scope_wins(logits)
        order = np.argsort(-scores, axis=1, kind="stable")[:, : max(top_k, 1)]
        out = []
        for row, best, oos in zip(scores, order, rejected, strict=True):
            alternatives = tuple(ScoredIntent(self._labels[i], float(row[i])) for i in best)
            top = alternatives[0]
            intent = OUT_OF_SCOPE if oos or top.confidence < self.threshold else top.intent
            out.append(IntentPrediction(intent, top.confidence, alternatives, self.threshold))
        return out

    def out_of_scope_wins(self, logits: np.ndarray) -> np.ndarray:
        """For each row of :meth:`raw_scores` logits, whether the trained out-of-scope class is the best one.

        Such a message is rejected whatever its in-scope confidence: the tenant's own out-of-scope phrases
        are closer to it than any intent is.
        """
        if len(self._labels) == self._n_intents:
            return np.zeros(len(logits), dtype=bool)
        return np.asarray(logits).argmax(axis=1) == self._n_intents

    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """A JSON-safe header and plain arrays that fully describe the fitted model (see ``storage``)."""
        header, arrays = self._features.to_state()
        config = {f.name: getattr(self.config, f.name) for f in fields(self.config) if f.name != "features"}
        header |= {
            "labels": list(self._labels),
            "n_intents": self._n_intents,
            "threshold": self.threshold,
            "classifier": config,
        }
        arrays |= {
            "embedding_weights": self._embedding_weights,
            "ngram_weights": self._ngram_weights,
            "intercept": self._intercept,
            "phrases": self._phrases,
            "phrase_starts": self._phrase_starts,
        }
        return header, arrays

    @classmethod
    def from_state(cls, header: dict[str, Any], arrays: dict[str, np.ndarray]) -> IntentClassifier:
        """Rebuild a fitted classifier from :meth:`to_state` output."""
        features = TextFeatures.from_state(header, arrays)
        clf = cls(ClassifierConfig(features=features.config, **header["classifier"]))
        clf.threshold = float(header["threshold"])
        clf._features, clf._labels, clf._n_intents = features, tuple(header["labels"]), header["n_intents"]
        clf._embedding_weights, clf._ngram_weights = arrays["embedding_weights"], arrays["ngram_weights"]
        clf._intercept, clf._phrases = arrays["intercept"], arrays["phrases"]
        clf._phrase_starts = arrays["phrase_starts"]
        return clf

    def to_bytes(self) -> bytes:
        """The fitted model as bytes, safe to store per tenant and to load in another process."""
        return pack(*self.to_state())

    @classmethod
    def from_bytes(cls, data: bytes) -> IntentClassifier:
        """Load a model written by :meth:`to_bytes`; it predicts exactly as the original did."""
        return cls.from_state(*unpack(data))
