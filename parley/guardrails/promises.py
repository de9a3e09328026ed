"""Promises: no discount, refund or delivery date the tools did not grant.

A model that wants to please will offer "10% off for the trouble" or "it will be there tomorrow". Such a
sentence commits the business, so the reply is blocked unless a tool result of the same turn granted it:
a non-empty discount, coupon or voucher field; a refund field whose status is not a refusal; a delivery
date or estimate. Hedged sentences are not promises ("I can't offer a discount", "I'll ask whether a
refund is possible", "you may be eligible for a refund"), and neither is a sentence quoted word for word
from what the business published (its FAQ answer or article: "orders before 14:00 ship the same day").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from parley.guardrails.numbers import parse_dates
from parley.guardrails.profile import PromiseConfig
from parley.guardrails.verdict import Verdict, timed

__all__ = ["PromiseKind", "check_promises", "find_promises", "granted_kinds"]

PromiseKind = Literal["discount", "refund", "delivery"]

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
_TOPIC: dict[PromiseKind, re.Pattern[str]] = {
    "discount": re.compile(
        r"\b(?:discount(?:ed)?|rebate|reduction|price\s+cut|coupon|voucher|promo(?:tion(?:al)?)?\s+code|"
        r"special\s+price|price\s+match|free\s+shipping|free\s+of\s+charge|on\s+the\s+house)\b|"
        r"\d\s?%\s+off\b|\boff\s+(?:your|the)\s+(?:order|price|total|invoice)\b",
        re.IGNORECASE,
    ),
    "refund": re.compile(
        r"\b(?:refund(?:ed|s)?|reimburse(?:d|ment)?|money\s+back|credit\s+note|store\s+credit|compensat(?:e|ion)|"
        r"pay\s+you\s+back)\b",
        re.IGNORECASE,
    ),
    "delivery": re.compile(
        r"\b(?:deliver(?:y|ed|s)?|arriv(?:e|es|al|ing)|ship(?:ped|s|ping)?|dispatch(?:ed|es)?|reach(?:es)?\s+you|"
        r"be\s+with\s+you|in\s+your\s+hands)\b",
        re.IGNORECASE,
    ),
}
_COMMITMENT = re.compile(
    r"\b(?:i|we)(?:'ll|\s+will|\s+can|\s+have|'ve|\s+are\s+going\s+to|\s+guarantee|\s+promise)\b|"
    r"\byou(?:'ll|\s+will|\s+get|\s+are\s+getting|'re\s+getting|\s+receive|\s+can\s+have)\b|"
    r"\b(?:is|are|has\s+been|have\s+been|was)\s+(?:applied|approved|granted|issued|guaranteed|on\s+its\s+way)\b|"
    r"\bhere(?:'s|\s+is)\b|\bguarantee[ds]?\b|\benjoy\b|\blet\s+me\s+(?:give|offer|apply|take|refund)\b",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"\b(?:today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|this\s+week|"
    r"next\s+week|within\s+\d+|in\s+\d+\s+(?:working\s+|business\s+)?days?|by\s+(?:the\s+)?end\s+of|"
    r"next\s+day|overnight|same\s+day|\d+\s*[-–]\s*\d+\s+(?:working\s+|business\s+)?days)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:not|no|never|can't|cannot|won't|unable|unfortunately|isn't|aren't|don't|doesn't|didn't|couldn't|"
    r"wouldn't|whether|check|ask|request|escalate|forward|colleague|might|may|possibly|eligible|can\s+not)\b",
    re.IGNORECASE,
)
_GRANT_KEYS: dict[PromiseKind, re.Pattern[str]] = {
    "discount": re.compile(r"discount|coupon|voucher|promo|rebate|price_reduction", re.IGNORECASE),
    "refund": re.compile(r"refund|reimburse|credit_note|store_credit", re.IGNORECASE),
    "delivery": re.compile(r"deliver|eta|arrival|ship|dispatch", re.IGNORECASE),
}
_REFUSAL = re.compile(
    r"^(?:rejected|denied|declined|refused|not[_ ]?eligible|ineligible|none|null|false|no|n/?a|0|0\.0+)$",
    re.IGNORECASE,
)


def _grants(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float):
        return value > 0
    if isinstance(value, str):
        return bool(value.strip()) and not _REFUSAL.match(value.strip())
    if isinstance(value, dict | list | tuple):
        return len(value) > 0
    return True


def granted_kinds(tool_results: Iterable[Any]) -> set[PromiseKind]:
    """The kinds of promise some tool result of the turn grants."""
    granted: set[PromiseKind] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                for kind, pattern in _GRANT_KEYS.items():
                    if pattern.search(str(key)) and _grants(item) and not _refused(value, kind):
                        granted.add(kind)
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for result in tool_results:
        walk(result)
    return granted


def _refused(record: dict, kind: PromiseKind) -> bool:
    """A record such as {"refund_status": "rejected", "refund_amount": 20} grants nothing."""
    return any(
        _GRANT_KEYS[kind].search(str(k)) and isinstance(v, str) and _REFUSAL.match(v.strip())
        for k, v in record.items()
    )


def find_promises(reply: str) -> list[dict]:
    """Sentences of ``reply`` that commit to a discount, a refund or a delivery time."""
    found = []
    for match in _SENTENCE.finditer(reply):
        sentence = match.group()
        if _HEDGE.search(sentence):
            continue
        for kind, topic in _TOPIC.items():
            if not topic.search(sentence):
                continue
            if kind == "delivery":
                committed = bool(_WHEN.search(sentence) or parse_dates(sentence))
            else:
                committed = bool(_COMMITMENT.search(sentence))
            if committed:
                found.append({"kind": kind, "sentence": sentence.strip()[:200], "span": list(match.span())})
    return found


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


@timed
def check_promises(
    reply: str,
    tool_results: Iterable[Any],
    *,
    config: PromiseConfig | None = None,
    published: Iterable[str] = (),
) -> Verdict:
    """Block a reply that promises a discount, refund or delivery time no tool result granted.

    ``published`` holds the business's own texts of this turn (knowledge answer, template wording); a
    sentence copied from them is the business's policy, not a promise the bot made up.
    """
    config = config or PromiseConfig()
    if not config.enabled:
        return Verdict.ok("promise.disabled")
    granted = granted_kinds(tool_results)
    policy = "\n".join(_folded(text) for text in published)
    unbacked = [
        p
        for p in find_promises(reply)
        if p["kind"] not in granted and not (policy and _folded(p["sentence"]) in policy)
    ]
    if not unbacked:
        return Verdict.ok("promise.ok", granted=sorted(granted))
    kinds = sorted({p["kind"] for p in unbacked})
    return Verdict(
        action=config.action,
        code=f"promise.{kinds[0]}" if len(kinds) == 1 else "promise.several",
        message=f"The reply promises a {' and a '.join(kinds)} that no tool result granted.",
        details={"promises": unbacked, "granted": sorted(granted)},
    )
