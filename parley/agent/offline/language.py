"""Which of the template languages a message is written in: a few telling words, sticky across turns."""

from __future__ import annotations

import re

__all__ = ["LANGUAGES", "detect_language"]

LANGUAGES = ("en", "de", "es")
_INVERTED = re.compile(r"[¿¡]")
_CODE = re.compile(r"\S*\d\S*|\b[A-Z]{1,5}(?:-[A-Z\d]+)+\b")
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
            "das",
            "der",
            "den",
            "dem",
            "wo",
            "mein",
            "meine",
            "nicht",
            "auf",
            "lieferbar",
            "verfügbar",
            "können",
            "kann",
            "wann",
            "für",
            "alle",
            "mir",
            "mich",
            "dein",
            "deinen",
            "ihre",
            "ihren",
            "verkaufen",
            "führen",
            "ihr",
            "euch",
            "eure",
            "euer",
            "zu",
            "bei",
            "wir",
            "auch",
            "sind",
            "preise",
            "inkl",
            "mwst",
            "brauche",
            "brauchen",
            "suche",
            "suchen",
            "möchte",
            "hätte",
            "gerne",
            "geht",
            "bis",
            "welcher",
            "welche",
        ]
    ),
    "es": set(
        [
            "cuál",
            "cuándo",
            "su",
            "sus",
            "puedo",
            "de",
            "les",
            "usted",
            "ustedes",
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
            "estoy",
            "muy",
            "el",
            "la",
            "los",
            "las",
            "y",
            "nadie",
            "llegó",
            "del",
            "mi",
            "mis",
            "una",
            "está",
            "están",
            "dónde",
            "donde",
            "venden",
            "vende",
            "vendéis",
            "iva",
            "precios",
            "necesito",
            "necesitamos",
            "busco",
            "buscamos",
            "quisiera",
            "tenéis",
            "tienes",
            "cuántos",
            "cuántas",
            "cuantos",
            "cuantas",
            "también",
            "pero",
        ]
    ),
}


def detect_language(text: str, previous: str | None = None) -> str:
    """``de`` or ``es`` when their words dominate, else the previous language, else English."""
    # Part and order numbers ("BR-6305-ZZ", "ORD-2026-00001") are in no language and would dilute the rest.
    words = re.findall(r"[^\W\d_]+", _CODE.sub(" ", text).lower())
    scores = {lang: sum(word in markers for word in words) for lang, markers in _MARKERS.items()}
    scores["es"] += bool(_INVERTED.search(text))  # "¿Venden titanio?": no other language opens with ¿ or ¡
    best = max(scores, key=scores.__getitem__)
    if previous in LANGUAGES and best != previous and len(words) == 1:
        # "und BR-6204-2RS?" after an English question: one word is not enough to change language
        return previous
    if scores[best] >= 1 and scores[best] >= len(words) * 0.2:
        return best
    if previous in LANGUAGES and len(words) <= 4:
        return previous
    return "en"
