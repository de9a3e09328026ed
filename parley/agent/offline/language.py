"""Which of the template languages a message is written in: a few telling words, sticky across turns."""

from __future__ import annotations

import re

__all__ = ["LANGUAGES", "detect_language"]

LANGUAGES = ("en", "de", "es")
#: Words that are also everyday English ("was", "stock") are left out: "Is it in stock?" is English.
_MARKERS = {
    "de": set(
        [
            "hallo",
            "guten",
            "ich",
            "sie",
            "haben",
            "habt",
            "kostet",
            "kosten",
            "wie",
            "viel",
            "bitte",
            "danke",
            "und",
            "stück",
            "ist",
            "lager",
            "bestellung",
            "rechnung",
            "tschüss",
            "moin",
            "servus",
            "mit",
            "einen",
            "eine",
            "gibt",
            "es",
            "noch",
        ]
    ),
    "es": set(
        [
            "hola",
            "buenos",
            "buenas",
            "tienen",
            "tiene",
            "cuánto",
            "cuanto",
            "cuesta",
            "precio",
            "gracias",
            "por",
            "favor",
            "pedido",
            "factura",
            "quiero",
            "hay",
            "piezas",
            "unidades",
            "adiós",
            "para",
            "con",
            "qué",
        ]
    ),
}


def detect_language(text: str, previous: str | None = None) -> str:
    """``de`` or ``es`` when their words dominate, else the previous language, else English."""
    words = re.findall(r"\w+", text.lower())
    scores = {lang: sum(word in markers for word in words) for lang, markers in _MARKERS.items()}
    best = max(scores, key=scores.__getitem__)
    if scores[best] >= 1 and scores[best] >= len(words) * 0.2:
        return best
    if previous in LANGUAGES and len(words) <= 4:
        return previous
    return "en"
