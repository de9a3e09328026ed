"""What a German or Spanish shop-policy question is about, and the English words for it.

MiniLM barely links languages. Searched against a business's Spanish FAQs, "¿Puedo pagar con transferencia?"
came out closest to "¿Cómo puedo contactarles?" (the shared "¿Puedo ...?" outweighs the rest), and against its
English ones, "Kann ich per Rechnung zahlen?" shared no word with "Can I pay by bank transfer?". So a question
that names a policy topic (payment, delivery, returns, warranty, certificates, cutting, opening hours,
contact, pick-up, minimum order) takes only answers about that topic, and looks for English ones by the
topic's English words. Only topic words are listed: product words go through the catalog's own glossary,
and words as common as "order" would match every text.
"""

from __future__ import annotations

import re

__all__ = ["COST_QUESTION", "DURATION_QUESTION", "asks_for", "states", "topic_words", "topics"]

_TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "payment": {
        "en": ("pay", "payment", "invoice", "transfer", "card", "paypal", "sepa"),
        "de": ("rechnung", "zahlen", "bezahlen", "zahlung", "zahlungsarten", "überweisung", "vorkasse",
               "kreditkarte", "lastschrift", "paypal"),
        "es": ("factura", "pagar", "pago", "pagos", "transferencia", "tarjeta", "paypal"),
    },
    "delivery": {
        "en": ("deliver", "delivery", "ship", "shipping", "abroad"),
        "de": ("versand", "versandkosten", "versenden", "versendet", "lieferzeit", "lieferung", "liefern",
               "liefert", "ausland"),
        "es": ("envío", "envio", "envíos", "envían", "enviar", "entrega", "plazo", "extranjero"),
    },
    "returns": {
        "en": ("return", "returns", "refund"),
        "de": ("rückgabe", "zurückgeben", "zurückschicken", "umtauschen", "umtausch"),
        "es": ("devolver", "devolución", "devoluciones"),
    },
    "warranty": {
        "en": ("warranty", "guarantee"),
        "de": ("garantie", "gewährleistung"),
        "es": ("garantía", "garantia"),
    },
    "certificate": {
        "en": ("certificate", "certificates"),
        "de": ("zertifikat", "zeugnis", "werkszeugnis", "prüfzeugnis", "abnahmeprüfzeugnis"),
        "es": ("certificado", "certificados"),
    },
    "cutting": {
        "en": ("cut", "saw"),
        "de": ("zuschnitt", "zuschneiden", "sägen", "sägt", "zusägen", "schneiden", "schneidet"),
        "es": ("cortar", "corte", "cortan"),
    },
    "hours": {
        "en": ("opening", "hours", "open"),
        "de": ("öffnungszeiten", "geöffnet", "offen"),
        "es": ("horario", "abren", "abiertos"),
    },
    "contact": {
        "en": ("phone", "address", "contact", "email"),
        "de": ("adresse", "telefon", "telefonnummer", "erreichen", "e-mail"),
        "es": ("dirección", "teléfono", "contactar", "contactarles", "correo"),
    },
    "pickup": {
        "en": ("pick", "collect"),
        "de": ("abholen", "abholung", "selbstabholung"),
        "es": ("recoger",),
    },
    "vat": {
        "en": ("vat", "tax", "taxes"),
        "de": ("mwst", "mehrwertsteuer", "umsatzsteuer", "ust"),
        "es": ("iva", "impuesto", "impuestos"),
    },
    "minimum_order": {
        "en": ("minimum",),
        "de": ("mindestbestellwert", "mindestbestellmenge"),
        "es": ("mínimo", "mínima"),
    },
}  # fmt: skip
_BY_WORD = {
    (language, word): topic
    for topic, languages in _TOPICS.items()
    for language, words in languages.items()
    for word in words
}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def topics(text: str, language: str | None) -> frozenset[str]:
    """The policy topics ``text`` names in ``language`` (English when None)."""
    words = _WORD.findall(text.lower())
    return frozenset(t for w in words if (t := _BY_WORD.get((language or "en", w))))


def topic_words(names: frozenset[str], language: str = "en") -> str:
    """The words of the topics in ``language``, for a keyword search among the texts in that language."""
    return " ".join(word for name in sorted(names) for word in _TOPICS[name][language])


COST_QUESTION = (
    r"how\s+much|what\s+(?:does|do|is|are)\b[^?]*\b(?:cost|charge|fee)s?|was\s+(?:kostet|kosten)|"
    r"wie\s+(?:viel|teuer)|cu[aá]nto\s+(?:cuesta|cuestan|vale)|qu[eé]\s+(?:cuesta|precio)"
)
"""A question what something costs, in English, German or Spanish (the start of a regex alternative)."""
DURATION_QUESTION = r"how\s+long|wie\s+lange|cu[aá]nto\s+tarda"
"""A question how long something takes."""
_ASKS = {
    "cost": re.compile(rf"\b(?:{COST_QUESTION})\b", re.IGNORECASE),
    "duration": re.compile(rf"\b(?:{DURATION_QUESTION})\b", re.IGNORECASE),
}
_STATES = {
    "cost": re.compile(r"\d[\d.,]*\s*(?:€|eur\b|euros?\b|usd\b|\$)|[€$]\s*\d", re.IGNORECASE),
    "duration": re.compile(
        r"\d+(?:\s*[-–]\s*\d+)?\s*(?:working\s+|business\s+)?(?:hours?|days?|weeks?|stunden|"
        r"(?:werk|arbeits)?tage?n?|wochen?|horas?|d[ií]as?|semanas?)\b",
        re.IGNORECASE,
    ),
}


def asks_for(question: str) -> str | None:
    """``"cost"`` for "Was kostet die Lieferung?", ``"duration"`` for "how long does delivery take?"."""
    return next((kind for kind, pattern in _ASKS.items() if pattern.search(question)), None)


def states(text: str, kind: str) -> bool:
    """Whether an answer states a sum of money (``"cost"``) or a length of time (``"duration"``)."""
    return bool(_STATES[kind].search(text))
