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

__all__ = ["english_words", "topics"]

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


def english_words(names: frozenset[str]) -> str:
    """The English words of the topics, for a keyword search among English texts."""
    return " ".join(word for name in sorted(names) for word in _TOPICS[name]["en"])
