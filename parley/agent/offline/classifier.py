"""Intent detection for the offline engine, on the message's precomputed embedding.

The statistical part is :class:`parley.agent.intent.IntentClassifier` (a linear head over the shared
embedding plus word and char TF-IDF, with an out-of-scope threshold cross-validated on the phrases). A few
patterns that cannot be wrong (an order number, "a person please") refine its guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.agent.intent.classifier import IntentClassifier
from parley.agent.intent.defaults import load_phrases
from parley.agent.intent.types import OUT_OF_SCOPE, IntentExample, IntentPrediction, ScoredIntent
from parley.agent.offline.entities import (
    ABOUT_OWN_ORDER,
    DELIVERY_BY,
    GONE_WRONG,
    NEEDS_A_KIND,
    PERCENT,
    WEIGHT_QUESTION,
)

__all__ = ["IntentModel", "train_intents"]

_NOT_A_QUESTION = frozenset(
    {"order_status", "place_order", "greeting", "goodbye", "product_question", "stock_check", OUT_OF_SCOPE}
)


_ABOUT_A_DELIVERY = (
    r"(?:\b(?:my|our|the)\s+(?:order|delivery|parcel|package)|\bORD-\d{4}-\d{5}|\barrived|\bcame|"
    r"\b(?:meine|unsere|die)\s+(?:bestellung|lieferung)|\bdas\s+paket|\bangekommen|\bgeliefert|"
    r"\b(?:mi|el|nuestro)\s+(?:pedido|paquete|envío)|\bllegó|\bllego|\bllegaron)"
)


def _unless(words: str, asked: str) -> re.Pattern[str]:
    """A message that says one of ``asked`` and none of ``words`` (alternations of regular expressions)."""
    return re.compile(rf"^(?!.*\b(?:{words})\b).*\b(?:{asked})\b", re.I | re.S)


@dataclass(frozen=True)
class _Rule:
    """A pattern that cannot be wrong about the intent, and the classifier's guesses it may override.

    ``overrides`` None means any guess. "the price on my invoice is wrong" stays an invoice question, "the 5%
    discount on my invoice is missing" too, "3% off my order ORD-2026-00012" stays a discount request although
    it names an order, and "what is your cancellation policy?" stays a question for the FAQ.
    """

    pattern: re.Pattern[str]
    intent: str
    overrides: frozenset[str] | None = None


_RULES: tuple[_Rule, ...] = (
    _Rule(
        re.compile(
            r"\b(human|person|real person|agent|someone|mensch|persona|operator)\b.*\b(talk|speak|please|bitte|hablar|sprechen)\b|\b(talk|speak|sprechen|hablar)\b.*\b(human|person|someone|mensch|persona)\b",
            re.I,
        ),
        "human_handoff",
    ),
    _Rule(
        re.compile(
            rf"{PERCENT}\s*(?:off|discount|rabatt|nachlass|descuento)\b|"
            rf"\b(?:discount|rabatt|nachlass|descuento)\b[^.?!]{{0,40}}?{PERCENT}",
            re.I,
        ),
        "discount_request",
        frozenset(
            {
                "discount_request",
                "price_quote",
                "product_question",
                "stock_check",
                "order_status",
                "place_order",
            }
            | {"faq", OUT_OF_SCOPE}
        ),
    ),
    # The agent may not cancel or refund on its own: a person does, whatever else the message names.
    _Rule(
        re.compile(
            r"\b(cancel|cancell?ation|stornieren|storniere|stornierung|storno|cancelar|anular)\b", re.I
        ),
        "human_handoff",
        frozenset({"human_handoff", *_NOT_A_QUESTION}),
    ),
    # Nor may it change an order once placed
    _Rule(
        re.compile(
            r"\b(?:change|modify|amend|edit|alter)\s+(?:my|our|the|this)\s+(?:\w+\s+)?order\b|"
            r"\badd\b[^.?!]{0,40}\bto\s+(?:my|our)\s+(?:last\s+|existing\s+|current\s+)?order\b|"
            r"\b(?:zur|zu\s+meiner|zu\s+unserer)\s+bestellung\s+hinzu|\b(?:añad|agreg)\w*\b[^.?!]{0,40}\ba\s+mi\s+pedido\b|"
            r"\b(?:bestellung|auftrag)\s+(?:\w+\s+)?ändern\b|"
            r"\bändern\s+(?:sie\s+)?(?:meine|unsere|die)\s+bestellung\b|"
            r"\b(?:cambiar|modificar)\s+(?:mi|el|nuestro)\s+pedido\b",
            re.I,
        ),
        "human_handoff",
        frozenset({"human_handoff", *_NOT_A_QUESTION, "faq"}),
    ),
    _Rule(
        re.compile(r"\b(refund|money back|rückerstattung|geld zurück|reembolso|devuelvan el dinero)\b", re.I),
        "complaint",
        frozenset({"complaint", *_NOT_A_QUESTION}),
    ),
    # An order that came broken or wrong goes to a person even when it names the order number
    _Rule(
        re.compile(
            rf"{_ABOUT_A_DELIVERY}.*\b{GONE_WRONG}\b|\b{GONE_WRONG}\b.*{_ABOUT_A_DELIVERY}|"
            r"\b(?:problem|issue|problema)\s+(?:with|mit|con)\s+(?:my|our|the|meiner|unserer|der|mi|el)\s+"
            r"(?:order|delivery|bestellung|lieferung|pedido|entrega)\b",
            re.I | re.S,
        ),
        "complaint",
        frozenset({"complaint", *_NOT_A_QUESTION, "price_quote"}),
    ),
    _Rule(
        re.compile(r"\bORD-\d{4}-\d{5}\b", re.I),
        "order_status",
        frozenset(
            {
                "order_status",
                "product_question",
                "stock_check",
                "price_quote",
                "greeting",
                "faq",
                OUT_OF_SCOPE,
            }
        ),
    ),
    _Rule(re.compile(r"\bINV-[\w-]+\b", re.I), "invoice_question"),
    # Where or when the customer's own order is: their order's status, not the delivery-times FAQ
    _Rule(
        ABOUT_OWN_ORDER,
        "order_status",
        frozenset({"faq", "greeting", "goodbye", "product_question", OUT_OF_SCOPE}),
    ),
    # "geht das bis Freitag?" read as a complaint, "if I order today, when will it arrive?" as an order's
    # status: whether it can be had by a day is a question for the delivery times
    _Rule(
        DELIVERY_BY,
        "faq",
        frozenset({"complaint", "order_status", "greeting", "goodbye", "faq", OUT_OF_SCOPE}),
    ),
    # "how much does one box weigh?" read as a price question: the product's weight, not its price
    _Rule(
        WEIGHT_QUESTION,
        "product_question",
        frozenset({"price_quote", "stock_check", "discount_request", "place_order", OUT_OF_SCOPE}),
    ),
    # "price?" read as a discount request: asking the price is not haggling unless it says so
    _Rule(
        _unless(
            r"discounts?|rabatt|nachlass|descuento|cheaper|better|best|lower|reduce[ds]?|deal|off|günstiger|besser|"
            r"mejor|rebaja",
            r"how much|price|cost|costs|quote|kostet|kosten|preis|cuánto|cuanto|cuesta|cuestan|precio",
        ),
        "price_quote",
        frozenset({"product_question", "stock_check", "price_quote", "discount_request", OUT_OF_SCOPE}),
    ),
    # "thanks. do you also sell titanium?" read as a discount request: asking what the shop sells is about
    # the catalog, unless it is about a discount, an invoice or an order.
    _Rule(
        _unless(
            r"discounts?|rabatt|nachlass|descuento|cheaper|invoice|rechnung|factura|order|bestellung|pedido|"
            r"offers?|deals?|promotions?|sales?|angebote|aktionen|ofertas|promociones|rebajas",
            r"do\s+you\s+(?:also\s+)?(?:sell|carry|stock|have)|haben\s+sie|führen\s+sie|habt\s+ihr|führt\s+ihr|"
            r"verkauft\s+ihr|tienen|venden",
        ),
        "product_question",
        frozenset({"discount_request", "greeting", "goodbye", OUT_OF_SCOPE}),
    ),
    # "I need a vice" read as "I need a person"
    _Rule(
        NEEDS_A_KIND, "product_question", frozenset({"human_handoff", "greeting", "goodbye", OUT_OF_SCOPE})
    ),
    # "hallo, ich suche Aluplatten 10mm" read as an order: looking for a product is not ordering it yet
    _Rule(
        _unless(
            r"discounts?|rabatt|descuento|invoice|rechnung|factura|orders?|bestell\w*|pedid\w*|pedir|comprar|"
            r"kaufen|buy",
            r"i'?m\s+looking\s+for|we'?re\s+looking\s+for|looking\s+for|ich\s+suche|wir\s+suchen|busco|"
            r"buscamos|estoy\s+buscando|estamos\s+buscando",
        ),
        "product_question",
        frozenset({"place_order", "discount_request", "greeting", "goodbye", OUT_OF_SCOPE}),
    ),
)

THRESHOLD_CONFIDENCE = 0.5
"""The confidence reported for a score exactly at the classifier's out-of-scope threshold."""


def _confidence(score: float, threshold: float) -> float:
    """Map the classifier's score onto [0, 1) so that its threshold lands on 0.5.

    The classifier's score (the logit gap to out-of-scope, discounted by nearest-phrase similarity) is only
    comparable within one model: the default commerce model's threshold sits near 0.2. The agent counts a
    confidence below its ``low_confidence`` (0.45) as a miss, so the score is rescaled monotonically: every
    accepted message reports at least 0.5, every rejected one less, and the order of the alternatives is
    unchanged.
    """
    if threshold <= 0.0:
        return min(max(score, 0.0), 1.0)
    return score / (score + threshold) if score > 0.0 else 0.0


@dataclass
class IntentModel:
    """A trained intent model: ``predict(text, vector)`` gives a typed prediction."""

    classifier: IntentClassifier

    @property
    def threshold(self) -> float:
        """The threshold on the reported confidence scale (see :func:`_confidence`)."""
        return THRESHOLD_CONFIDENCE if self.classifier.threshold > 0.0 else 0.0

    @property
    def labels(self) -> tuple[str, ...]:
        """The in-scope intents the model can answer."""
        return self.classifier.intents

    def predict(self, text: str, vector: np.ndarray) -> IntentPrediction:
        """The intent of one message, from its text and its embedding."""
        raw = self.classifier.predict(text, vector, top_k=3)
        scale = self.classifier.threshold
        alternatives = tuple(
            ScoredIntent(a.intent, round(_confidence(a.confidence, scale), 4)) for a in raw.alternatives
        )
        intent, confidence = raw.intent, alternatives[0].confidence
        rule = next((rule for rule in _RULES if rule.pattern.search(text)), None)
        if rule is not None and (rule.overrides is None or intent in rule.overrides):
            intent, confidence = rule.intent, max(confidence, 0.9)
        return IntentPrediction(
            intent=intent, confidence=confidence, alternatives=alternatives, threshold=self.threshold
        )


def train_intents(embedder: Any, phrases: tuple[tuple[str, str, str], ...] | None = None) -> IntentModel:
    """Train the classifier from the phrases (the default commerce set if None), embedding them once.

    Phrases labelled ``out_of_scope`` train the out-of-scope class. A few seconds on two cores for the
    default set of about 600 phrases, most of it the cross-validation that sets the threshold.
    """
    rows = phrases or load_phrases()
    examples = [IntentExample(text, intent) for text, intent, _language in rows]
    vectors = embedder.embed([e.text for e in examples])
    return IntentModel(IntentClassifier().fit(examples, vectors))
