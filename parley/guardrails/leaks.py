"""Leaks: what a reply must never show a customer.

Three kinds: fragments of the system prompt (a run of eight or more words copied from it), internal
fields of the tool results (their names, such as ``cost_price`` or ``tenant_id``, or their values when
the value appears nowhere else), and e-mail addresses other than the customer's own or the business's (its
allowed domains, or an address in a text it published, such as the contact article quoted in the reply).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from parley.guardrails.numbers import extract_mentions
from parley.guardrails.pii import EMAIL_RE
from parley.guardrails.profile import LeakConfig
from parley.guardrails.verdict import Verdict, timed

__all__ = ["check_leaks", "find_leaks"]

_WORD = re.compile(r"\w+")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _prompt_fragments(reply: str, system_prompt: str, n: int) -> list[dict]:
    prompt_words = [w.lower() for w in _WORD.findall(system_prompt)]
    grams = {tuple(prompt_words[i : i + n]) for i in range(len(prompt_words) - n + 1)}
    words = list(_WORD.finditer(reply))
    found: list[dict] = []
    i = 0
    while i <= len(words) - n:
        if tuple(w.group().lower() for w in words[i : i + n]) in grams:
            j = i + n
            while j < len(words) and tuple(w.group().lower() for w in words[j - n + 1 : j + 1]) in grams:
                j += 1
            start, end = words[i].start(), words[j - 1].end()
            found.append({"kind": "system_prompt", "span": [start, end], "text": reply[start:end][:120]})
            i = j
        else:
            i += 1
    return found


def _internal_values(tool_results: Iterable[Any], fields: set[str]) -> tuple[list[Any], list[Any]]:
    internal: list[Any] = []
    public: list[Any] = []

    def walk(value: Any, hidden: bool) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, hidden or str(key).lower() in fields)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item, hidden)
        elif not isinstance(value, bool) and value is not None:
            (internal if hidden else public).append(value)

    for result in tool_results:
        walk(result, False)
    return internal, public


def _value_leaks(reply: str, internal: list[Any], public: list[Any]) -> list[dict]:
    found = []
    public_numbers = [float(v) for v in public if isinstance(v, int | float)]
    public_text = " ".join(str(v) for v in public if isinstance(v, str))
    mentions = [m for m in extract_mentions(reply) if m.kind in ("money", "number", "quantity", "percent")]
    for value in internal:
        if isinstance(value, int | float):
            if any(abs(value - p) < 1e-9 for p in public_numbers):
                continue
            for m in mentions:
                if any(abs(v - value) <= 0.5 * 10.0**-d + 1e-9 for v, d in m.values):
                    found.append({"kind": "internal_value", "span": [m.start, m.end], "text": m.text})
        elif isinstance(value, str) and len(value) >= 6 and value in reply and value not in public_text:
            start = reply.index(value)
            found.append({"kind": "internal_value", "span": [start, start + len(value)], "text": value[:40]})
    return found


def find_leaks(
    reply: str,
    *,
    config: LeakConfig | None = None,
    system_prompt: str | None = None,
    tool_results: Iterable[Any] = (),
    customer_email: str | None = None,
    published: Iterable[str] = (),
) -> list[dict]:
    """Every leak in ``reply``, each as ``{"kind", "span", "text"}``."""
    config = config or LeakConfig()
    found: list[dict] = []
    if system_prompt:
        found += _prompt_fragments(reply, system_prompt, config.system_prompt_min_words)
    names = {f.lower() for f in config.internal_fields}
    if names:
        spelled = sorted({*names, *(_camel(n) for n in names)}, key=len, reverse=True)
        pattern = re.compile(rf"\b(?:{'|'.join(map(re.escape, spelled))})\b", re.IGNORECASE)
        found += [
            {"kind": "internal_field", "span": list(m.span()), "text": m.group()}
            for m in pattern.finditer(reply)
        ]
        found += _value_leaks(reply, *_internal_values(tool_results, names))
    allowed = {m.group().lower() for text in published for m in EMAIL_RE.finditer(text)}
    if customer_email:
        allowed.add(customer_email.lower())
    domains = {d.lower().lstrip("@") for d in config.allowed_email_domains}
    for m in EMAIL_RE.finditer(reply):
        address = m.group().lower()
        if address not in allowed and address.rpartition("@")[2] not in domains:
            found.append({"kind": "email", "span": list(m.span()), "text": m.group()})
    return found


@timed
def check_leaks(
    reply: str,
    *,
    config: LeakConfig | None = None,
    system_prompt: str | None = None,
    tool_results: Iterable[Any] = (),
    customer_email: str | None = None,
    published: Iterable[str] = (),
) -> Verdict:
    """Block a reply that shows system prompt text, internal fields or someone else's e-mail address."""
    config = config or LeakConfig()
    if not config.enabled:
        return Verdict.ok("leak.disabled")
    leaks = find_leaks(
        reply,
        config=config,
        system_prompt=system_prompt,
        tool_results=list(tool_results),
        customer_email=customer_email,
        published=list(published),
    )
    if not leaks:
        return Verdict.ok("leak.ok")
    kinds = sorted({leak["kind"] for leak in leaks})
    return Verdict(
        action=config.action,
        code=f"leak.{kinds[0]}" if len(kinds) == 1 else "leak.several",
        message=f"The reply shows what the customer must not see: {', '.join(kinds)}.",
        details={"leaks": leaks},
    )
