"""Reading the numbers in a reply: prices, percentages, quantities, dates and plain numbers.

The grounding check compares what a reply says with what the tools returned, so it needs every claim in
the reply as a value, whatever its formatting: "€ 1,234.50", "1234.5 EUR", "15%", "40 pcs",
"12 March 2026", "2026-03-12". Separators are read both ways when the text is ambiguous ("1.234" is 1.234
or 1234), and the number of decimals shown is kept, because "€12.35" is a faithful rendering of 12.345
but "€12" is not one of 12.40. Phone numbers, e-mail addresses, URLs, times, list numbering and
identifiers such as "M8" or "DIN933" are not claims about the order and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from parley.guardrails.pii import EMAIL_RE

__all__ = [
    "IDENTIFIER",
    "TIMESTAMP",
    "DateValue",
    "NumberMention",
    "extract_mentions",
    "parse_dates",
    "parse_number",
]

MentionKind = Literal["money", "percent", "quantity", "date", "number"]
DateValue = tuple[int | None, int, int]  # (year or None, month, day)

# (?!\d): a grouped number ends at its last group of three, so "1.4301" (a steel grade) is read whole,
# not as "1.430" and a stray "1".
NUM = r"\d{1,3}(?:[,.\u202f\u00a0']\d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
IDENTIFIER = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
"""A UUID: its digits are no figure a reply may quote."""
TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
"""An ISO date or timestamp (group 1: the date): a date a reply may quote, not a source of loose numbers."""
_CURRENCY_WORDS = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "chf": "CHF",
    "fr.": "CHF",
}
_CUR_BEFORE = r"€|\$|£|\b(?:EUR|USD|GBP|CHF)\b"
_CUR_AFTER = r"€|\$|£|\b(?:EUR|USD|GBP|CHF|euros?|dollars?|pounds?)\b"
_UNITS = (
    r"pcs|pc|pieces?|units?|items?|boxes|box|packs?|packages?|sets?|pairs?|rolls?|sheets?|bags?|cartons?|"
    r"pallets?|parcels?|lines?|kg|g|t|tons?|tonnes?|lbs?|mm|cm|km|m|ml|l|litres?|liters?|hours?|hrs?|h|"
    r"working\s+days|business\s+days|days?|weeks?|months?|years?|minutes?|mins?|(?-i:V|W|kW|A)|bar|Nm|rpm|"
    r"°C|in\s+stock|left|available|remaining|more"
)
_N = rf"(?<![\w.,])(?:{NUM})"
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?:[0-2]?\d|3[01])(?:st|nd|rd|th)?"
_DATE_RES = [
    (
        "iso",
        re.compile(
            r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
        ),
    ),
    ("dmy", re.compile(rf"\b({_DAY})\s+(?:of\s+)?({_MONTH})(?:,?\s+(\d{{4}}))?\b", re.IGNORECASE)),
    ("mdy", re.compile(rf"\b({_MONTH})\s+({_DAY})(?:,?\s+(\d{{4}}))?\b", re.IGNORECASE)),
    ("numeric", re.compile(r"\b(\d{1,2})([./])(\d{1,2})\2(\d{4}|\d{2})\b")),
]
_SKIP_RES = [
    EMAIL_RE,
    re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE),
    re.compile(r"(?:\+|\b00)\d{1,3}[\s./-]?(?:\(0\)\s?)?(?:\(?\d{1,5}\)?[\s./-]?){1,5}\d{2,5}\b"),  # phones
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?", re.IGNORECASE),  # times
    re.compile(r"(?m)^\s*\d{1,2}[.)](?=\s)"),  # list numbering
]
_IDENTIFIER_RE = re.compile(rf"\b\w*[A-Za-z]\d[\w-]*|\b\d+(?!(?:{_UNITS})\b)[A-Za-z_]\w*", re.IGNORECASE)
_MONEY_RE = re.compile(
    rf"(?P<cb>{_CUR_BEFORE})\s?(?P<n1>{NUM})|(?P<n2>{_N})\s?(?P<ca>{_CUR_AFTER})", re.IGNORECASE
)
_PERCENT_RE = re.compile(rf"(?P<n>{_N})\s?(?:%|percent\b|per\s+cent\b|pct\b)", re.IGNORECASE)
_QUANTITY_RE = re.compile(rf"(?P<n>{_N})(?:\s?[-–]\s?(?P<n2>{NUM}))?\s?(?P<u>{_UNITS})\b", re.IGNORECASE)
_PLAIN_RE = re.compile(rf"(?<![\w.,])(?P<n>{NUM})(?![\w]|[.,]\d)")


@dataclass(frozen=True)
class NumberMention:
    """One numeric claim in a text, with every value it could mean as (value, decimals shown) pairs."""

    text: str
    start: int
    end: int
    kind: MentionKind
    values: tuple[tuple[float, int], ...] = ()
    dates: tuple[DateValue, ...] = ()
    unit: str | None = None
    currency: str | None = None
    extras: dict = field(default_factory=dict, compare=False)


def parse_number(token: str) -> tuple[tuple[float, int], ...]:
    """The readings of a written number as (value, decimals) pairs: "1,234.50" -> ((1234.5, 2),)."""
    token = token.replace("\u202f", "").replace("\u00a0", "").replace("'", "")
    has_comma, has_dot = "," in token, "." in token
    if has_comma and has_dot:
        decimal = "," if token.rfind(",") > token.rfind(".") else "."
        whole, _, frac = token.rpartition(decimal)
        whole = whole.replace(",", "").replace(".", "")
        return ((float(f"{whole}.{frac}"), len(frac)),)
    if not (has_comma or has_dot):
        return ((float(token), 0),)
    sep = "," if has_comma else "."
    parts = token.split(sep)
    if len(parts) > 2:  # 1.234.567 or 1,234,567
        return ((float("".join(parts)), 0),)
    whole, frac = parts
    as_decimal = (float(f"{whole}.{frac}"), len(frac))
    if len(frac) == 3 and whole != "0":  # "1,234" or "1.234": thousands or decimals
        return ((float(whole + frac), 0), as_decimal)
    return (as_decimal,)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())  # type: ignore[union-attr]


def parse_dates(text: str) -> list[tuple[int, int, tuple[DateValue, ...]]]:
    """Dates in ``text`` as (start, end, readings); "03/04/2026" has two readings."""
    found: list[tuple[int, int, tuple[DateValue, ...]]] = []

    def add(start: int, end: int, readings: list[DateValue]) -> None:
        valid = tuple(r for r in readings if 1 <= r[1] <= 12 and 1 <= r[2] <= 31)
        if valid and not any(start < e and s < end for s, e, _ in found):
            found.append((start, end, valid))

    for kind, regex in _DATE_RES:
        for m in regex.finditer(text):
            if kind == "iso":
                add(m.start(), m.end(), [(int(m[1]), int(m[2]), int(m[3]))])
            elif kind == "dmy":
                add(m.start(), m.end(), [(_year(m[3]), _MONTHS[m[2].lower().rstrip(".")], _day(m[1]))])
            elif kind == "mdy":
                add(m.start(), m.end(), [(_year(m[3]), _MONTHS[m[1].lower().rstrip(".")], _day(m[2]))])
            else:
                a, b, year = int(m[1]), int(m[3]), _year(m[4])
                readings = [(year, b, a)] if m[2] == "." else [(year, b, a), (year, a, b)]
                add(m.start(), m.end(), readings)
    return sorted(found)


def extract_mentions(text: str) -> list[NumberMention]:
    """Every numeric claim in ``text``: dates, money, percentages, quantities, then plain numbers."""
    taken: list[tuple[int, int]] = []
    mentions: list[NumberMention] = []

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in taken)

    for start, end, readings in parse_dates(text):
        mentions.append(NumberMention(text[start:end], start, end, "date", dates=readings))
        taken.append((start, end))
    for regex in _SKIP_RES:
        taken += [m.span() for m in regex.finditer(text) if free(*m.span())]
    for m in _MONEY_RE.finditer(text):
        if free(*m.span()):
            currency = _CURRENCY_WORDS.get((m["cb"] or m["ca"]).lower())
            number = m["n1"] or m["n2"]
            mentions.append(
                NumberMention(m.group(), *m.span(), "money", parse_number(number), currency=currency)
            )
            taken.append(m.span())
    for m in _PERCENT_RE.finditer(text):
        if free(*m.span()):
            mentions.append(NumberMention(m.group(), *m.span(), "percent", parse_number(m["n"])))
            taken.append(m.span())
    for m in _QUANTITY_RE.finditer(text):
        if free(*m.span()):
            unit = re.sub(r"\s+", " ", m["u"].lower())
            for name in ("n", "n2"):
                if m[name]:
                    start, end = m.span(name)
                    mentions.append(
                        NumberMention(m.group(), start, end, "quantity", parse_number(m[name]), unit=unit)
                    )
            taken.append(m.span())
    taken += [m.span() for m in _IDENTIFIER_RE.finditer(text) if free(*m.span())]
    for m in _PLAIN_RE.finditer(text):
        if free(*m.span()):
            mentions.append(NumberMention(m.group(), *m.span(), "number", parse_number(m["n"])))
    return sorted(mentions, key=lambda mention: mention.start)
