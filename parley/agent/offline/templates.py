"""Reply templates: packaged defaults per key and language, overridden per business.

A template is filled with :meth:`str.format_map` from the values the engine collected from tool results;
a placeholder with no value makes the template unusable (KeyError), never a guessed number.
"""

from __future__ import annotations

import string
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "DEFAULT_TEMPLATES",
    "Templates",
    "counted_unit",
    "default_templates",
    "listed",
    "literal_text",
    "money",
    "order_status_word",
    "placeholders",
]

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "templates.yaml"


@lru_cache(maxsize=1)
def default_templates() -> dict[str, dict[str, str]]:
    """The packaged templates: ``{key: {language: text}}``."""
    raw = yaml.safe_load(DEFAULT_TEMPLATES.read_text(encoding="utf-8"))
    return {str(key): {str(lang): str(text) for lang, text in value.items()} for key, value in raw.items()}


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a template needs."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def literal_text(text: str) -> str:
    """A template without its placeholders: the words the business wrote itself."""
    return " ".join(literal for literal, _name, _spec, _conv in string.Formatter().parse(text) if literal)


#: Languages that write 1.915,20 where English writes 1,915.20.
_DECIMAL_COMMA = frozenset({"de", "es"})


def money(value: Any, language: str = "en") -> str:
    """A tool's decimal amount with two places, written as the customer's language writes amounts.

    Formatting only: the number is the tool's, and the output guard reads both ways of writing it.
    """
    try:
        written = f"{Decimal(str(value)).quantize(Decimal('0.01')):,}"
    except (InvalidOperation, ValueError):
        return str(value)
    if language in _DECIMAL_COMMA:
        return written.translate(str.maketrans(",.", ".,"))
    return written


#: Abbreviations written the same after any count; shorter units ("kg", "m", "l") are symbols anyway.
_INVARIABLE_UNITS = frozenset({"pcs", "pkg", "pkt", "qty"})


#: Common catalog units as German and Spanish write them after one and after several ("1 pcs" is not English).
_UNITS = {
    "pcs": {"en": ("piece", "pcs"), "de": ("Stück", "Stück"), "es": ("pieza", "piezas")},
    "box": {"de": ("Box", "Boxen"), "es": ("caja", "cajas")},
    "can": {"de": ("Dose", "Dosen"), "es": ("lata", "latas")},
    "bar": {"de": ("Stange", "Stangen"), "es": ("barra", "barras")},
    "pack": {"de": ("Packung", "Packungen"), "es": ("paquete", "paquetes")},
    "set": {"de": ("Satz", "Sätze"), "es": ("juego", "juegos")},
    "pair": {"de": ("Paar", "Paar"), "es": ("par", "pares")},
    "roll": {"de": ("Rolle", "Rollen"), "es": ("rollo", "rollos")},
    "sheet": {"de": ("Blech", "Bleche"), "es": ("chapa", "chapas")},
}


_AND = {"en": "and", "de": "und", "es": "y"}

#: An order's status as German and Spanish customers read it; English reads the status itself.
_ORDER_STATUSES = {
    "pending": {"de": "offen", "es": "pendiente"},
    "confirmed": {"de": "bestätigt", "es": "confirmado"},
    "fulfilled": {"de": "versandt", "es": "enviado"},
    "delivered": {"de": "zugestellt", "es": "entregado"},
    "returned": {"de": "zurückgesendet", "es": "devuelto"},
    "cancelled": {"de": "storniert", "es": "cancelado"},
}


def order_status_word(status: str, language: str) -> str:
    """An order's status in the customer's language ("offen" for pending); an unknown one as it is."""
    return _ORDER_STATUSES.get(status, {}).get(language, status.replace("_", " "))


def listed(names: list[str], language: str) -> str:
    """The names as "a, b and c", with the customer's language's "and"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_AND.get(language, _AND['en'])} {names[-1]}"


def counted_unit(count: int, unit: str, language: str) -> str:
    """The unit as English writes it after a count ("1 box", "229 boxes"), and common units in German and Spanish.

    Other units keep the business's own word in other languages: the catalog's units are single words, and
    their plural forms there are not a rule of thumb away.
    """
    if language in (forms := _UNITS.get(unit.lower(), {})):
        one, several = forms[language]
        return one if count == 1 else several
    invariable = (
        len(unit) < 3 or not unit.isalpha() or unit.endswith("s") or unit.lower() in _INVARIABLE_UNITS
    )
    if language != "en" or count == 1 or invariable:
        return unit
    return unit + ("es" if unit.endswith(("x", "ch", "sh")) else "s")


class Templates:
    """The templates one business uses: its overrides over the defaults."""

    def __init__(self, overrides: dict[tuple[str, str], str] | None = None) -> None:
        self.overrides = overrides or {}

    def text(self, key: str, language: str) -> str:
        """The template for a key in a language, falling back to English."""
        for lang in (language, "en"):
            if (key, lang) in self.overrides:
                return self.overrides[(key, lang)]
            found = default_templates().get(key, {}).get(lang)
            if found is not None:
                return found
        raise KeyError(key)

    def render(self, key: str, language: str, **values: Any) -> str:
        """Fill a template; raises KeyError when a placeholder has no value."""
        return self.text(key, language).format_map({k: v for k, v in values.items() if v is not None}).strip()
