"""Tone and length: replies stay short, calm and polite.

Cheap surface checks, not a sentiment model: too many characters, too many exclamation marks, shouting
(a large share of all-caps words, not counting common abbreviations) and phrases a business never says to
a customer. The profile decides whether a finding warns or blocks.
"""

from __future__ import annotations

import re

from parley.guardrails.profile import ToneConfig
from parley.guardrails.verdict import Verdict, timed

__all__ = ["check_tone"]

_ABBREVIATIONS = frozenset(
    [
        "VAT",
        "EUR",
        "USD",
        "GBP",
        "CHF",
        "DIN",
        "ISO",
        "PDF",
        "SKU",
        "FAQ",
        "ETA",
        "DHL",
        "UPS",
        "GLS",
        "DPD",
        "IBAN",
        "BIC",
        "NOTE",
        "ASAP",
        "HTML",
        "JSON",
        "CSV",
    ]
)
_LONG_WORD = re.compile(r"\b[^\W\d_]{4,}\b")


@timed
def check_tone(reply: str, config: ToneConfig | None = None) -> Verdict:
    """Flag replies that are too long, shout, overuse '!' or contain a rude phrase."""
    config = config or ToneConfig()
    if not config.enabled:
        return Verdict.ok("tone.disabled")
    findings: list[tuple[str, str]] = []
    lowered = reply.lower()
    rude = [p for p in config.banned_phrases if re.search(rf"\b{re.escape(p.lower())}\b", lowered)]
    if rude:
        findings.append(("tone.rude", f"The reply contains {', '.join(repr(p) for p in rude)}."))
    if len(reply) > config.max_chars:
        findings.append(
            ("tone.too_long", f"The reply has {len(reply)} characters; the limit is {config.max_chars}.")
        )
    if reply.count("!") > config.max_exclamations:
        findings.append(("tone.exclamations", f"The reply has {reply.count('!')} exclamation marks."))
    words = [w for w in _LONG_WORD.findall(reply) if w.upper() not in _ABBREVIATIONS]
    shouted = [w for w in words if w.isupper()]
    if words and len(shouted) / len(words) > config.max_caps_ratio and len(shouted) >= 2:
        findings.append(("tone.shouting", f"{len(shouted)} of {len(words)} words are in capitals."))
    if not findings:
        return Verdict.ok("tone.ok", chars=len(reply))
    code = findings[0][0]
    return Verdict(
        action=config.action,
        code=code,
        message=" ".join(m for _, m in findings),
        details={"findings": [c for c, _ in findings], "chars": len(reply)},
    )
