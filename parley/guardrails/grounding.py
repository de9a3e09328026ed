"""Grounded numbers: every price, total, quantity, percentage and date in a reply comes from a tool.

A model that invents a total or rounds a price the wrong way costs the business real money, so a reply is
blocked when it states a number that no tool result of the same turn contains. Tool results are JSON-like
(dicts, lists, strings, numbers); every number and date in them counts, including those inside strings
("3-5 business days", "Hex bolt M8x40"), and the length of each list (so "your 3 order lines" is fine);
identifiers (UUIDs) do not: their digits are no figure a reply may quote, and a date or timestamp gives its
date only: read as numbers, "2026-11-25T12:33:07" grounded any made-up 25, 33 or 7.

Policy for ordinary words: bare integers up to ``small_integer_limit`` with no unit, currency or percent
sign ("step 2", "one of 3 options") are not claims, and neither is a quantity of exactly one ("1 item").
Numbers the customer wrote in this turn ground quantities, plain numbers and dates ("you asked for 40
pcs"), but never prices or percentages: a model must not repeat a price the customer made up.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from parley.guardrails.numbers import (
    IDENTIFIER,
    NUM,
    TIMESTAMP,
    DateValue,
    NumberMention,
    extract_mentions,
    parse_dates,
    parse_number,
)
from parley.guardrails.profile import GroundingConfig
from parley.guardrails.verdict import Verdict, timed

__all__ = ["ToolFacts", "check_grounding", "collect_facts", "ungrounded_mentions"]

_NUMBER_IN_STRING = re.compile(rf"(?<!\d)(?:{NUM})")
_CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}
_DIGIT = re.compile(r"\d")


@dataclass
class ToolFacts:
    """Everything a reply may cite: numbers, list lengths, dates and currencies."""

    numbers: list[float] = field(default_factory=list)
    counts: set[int] = field(default_factory=set)
    dates: set[DateValue] = field(default_factory=set)
    currencies: set[str] = field(default_factory=set)

    def add_text(self, text: str) -> None:
        """Take the dates and every reading of every number in a string."""
        dates, numbers, currencies = _text_facts(text)
        self.dates.update(dates)
        self.numbers += numbers
        self.currencies.update(currencies)


@lru_cache(maxsize=8192)
def _text_facts(text: str) -> tuple[tuple[DateValue, ...], tuple[float, ...], tuple[str, ...]]:
    """The dates, number readings and currency symbols of one string of a tool result.

    Cached: the same catalog strings (names, descriptions, prices, timestamps) come back turn after turn,
    and reading them again took about 10 ms of a turn that searched the catalog.
    """
    currencies = tuple(code for symbol, code in _CURRENCY_SYMBOLS.items() if symbol in text)
    if not _DIGIT.search(text):  # most strings of a tool result (names, units, statuses) hold no number
        return (), (), currencies
    dates = tuple(reading for _, _, readings in parse_dates(text) for reading in readings)
    if TIMESTAMP.fullmatch(text.strip()):
        return dates, (), currencies
    numbers = tuple(
        value for match in _NUMBER_IN_STRING.finditer(text) for value, _ in parse_number(match.group())
    )
    return dates, numbers, currencies


def collect_facts(tool_results: Iterable[Any]) -> ToolFacts:
    """Walk the tool results of a turn and gather every citable value."""
    facts = ToolFacts()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int | float):
            facts.numbers.append(float(value))
        elif isinstance(value, str):
            if IDENTIFIER.fullmatch(value):  # an identifier: its digits are no number a reply may cite
                return
            facts.add_text(value)
            if "currency" in key.lower() and re.fullmatch(r"[A-Za-z]{3}", value.strip()):
                facts.currencies.add(value.strip().upper())
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list | tuple):
            facts.counts.add(len(value))
            for item in value:
                walk(item, key)
        elif not isinstance(value, uuid.UUID):  # dates, Decimals...
            facts.add_text(str(value))

    for result in tool_results:
        walk(result)
    return facts


def _close(value: float, decimals: int, target: float) -> bool:
    """Equal as written: a whole number must match exactly, "12.35" may round 12.345 (half a last digit)."""
    if decimals == 0:
        return abs(value - target) < 1e-6
    return abs(value - target) <= 0.5 * 10.0**-decimals + 1e-9


def _number_grounded(mention: NumberMention, numbers: list[float], counts: set[int]) -> bool:
    for value, decimals in mention.values:
        if any(_close(value, decimals, t) for t in numbers):
            return True
        fraction_decimals = decimals + 2 if decimals else 0
        if mention.kind == "percent" and any(_close(value / 100, fraction_decimals, t) for t in numbers):
            return True
        if mention.kind in ("quantity", "number") and decimals == 0 and int(value) in counts:
            return True
    return False


def _date_grounded(mention: NumberMention, dates: set[DateValue]) -> bool:
    return any(
        (year is None or year == y) and (month, day) == (m, d)
        for year, month, day in mention.dates
        for y, m, d in dates
    )


def _is_ordinary(mention: NumberMention, limit: int) -> bool:
    if len(mention.values) != 1:
        return False
    value, decimals = mention.values[0]
    if mention.kind == "quantity":
        return decimals == 0 and value == 1
    return mention.kind == "number" and decimals == 0 and value <= limit


def ungrounded_mentions(
    reply: str,
    facts: ToolFacts,
    *,
    config: GroundingConfig | None = None,
    user_message: str | None = None,
) -> tuple[list[tuple[NumberMention, str]], list[NumberMention], list[NumberMention]]:
    """(ungrounded mentions with a reason, checked mentions, skipped mentions) of ``reply``."""
    config = config or GroundingConfig()
    user = collect_facts([user_message]) if user_message else ToolFacts()
    ungrounded: list[tuple[NumberMention, str]] = []
    checked: list[NumberMention] = []
    skipped: list[NumberMention] = []
    for mention in extract_mentions(reply):
        if _is_ordinary(mention, config.small_integer_limit):
            skipped.append(mention)
            continue
        checked.append(mention)
        if mention.kind == "date":
            if not (_date_grounded(mention, facts.dates) or _date_grounded(mention, user.dates)):
                ungrounded.append((mention, "no tool result has this date"))
            continue
        numbers = facts.numbers
        counts = facts.counts
        if mention.kind in ("quantity", "number"):
            numbers = numbers + user.numbers
            if mention.kind == "number":  # a year is grounded by any date of that year
                numbers = numbers + [float(y) for y, _, _ in facts.dates if y is not None]
        if not _number_grounded(mention, numbers, counts):
            ungrounded.append((mention, "no tool result has this value"))
        elif mention.currency and facts.currencies and mention.currency not in facts.currencies:
            ungrounded.append((mention, f"the tools quote {', '.join(sorted(facts.currencies))}"))
    return ungrounded, checked, skipped


@timed
def check_grounding(
    reply: str,
    tool_results: Iterable[Any],
    *,
    config: GroundingConfig | None = None,
    user_message: str | None = None,
) -> Verdict:
    """Block a reply that states a number no tool result of this turn (or the customer) supplied."""
    config = config or GroundingConfig()
    if not config.enabled:
        return Verdict.ok("grounding.disabled")
    facts = collect_facts(tool_results)
    ungrounded, checked, skipped = ungrounded_mentions(reply, facts, config=config, user_message=user_message)
    details = {
        "ungrounded": [
            {"text": m.text, "span": [m.start, m.end], "kind": m.kind, "reason": reason}
            for m, reason in ungrounded
        ],
        "checked": len(checked),
        "skipped": [m.text for m in skipped],
    }
    if not ungrounded:
        return Verdict.ok("grounding.ok", **details)
    listed = ", ".join(m.text for m, _ in ungrounded)
    return Verdict(
        action=config.action,
        code="grounding.ungrounded",
        message=f"The reply states numbers that no tool result of this turn contains: {listed}.",
        details=details,
    )
