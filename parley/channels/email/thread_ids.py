"""E-mail threading: which conversation a message belongs to, from its Message-ID chain.

A reply carries ``In-Reply-To`` (its parent) and ``References`` (the chain from the first message), so the
first reference names the thread whichever message of it arrives, and a customer's new e-mail starts a
thread named by its own Message-ID. Ids are kept in their header form, ``<local@domain>``.
"""

from __future__ import annotations

import hashlib
import re

__all__ = [
    "SYNTHETIC_ID_DOMAIN",
    "conversation_root",
    "is_synthetic",
    "parse_message_ids",
    "reply_references",
    "synthetic_message_id",
]

SYNTHETIC_ID_DOMAIN = "parley.invalid"
"""Domain of ids we make up for mail without a Message-ID (RFC 2606 reserves .invalid)."""
MAX_REFERENCES = 20
"""Long threads keep the root and the most recent ids, as RFC 5322 suggests trimming allows."""

_BRACKETED = re.compile(r"<([^<>\s]+)>")


def parse_message_ids(value: str | None) -> list[str]:
    """Every message id in a header value, each as ``<id>``; bare ``local@domain`` tokens are accepted."""
    if not value:
        return []
    found = [f"<{item}>" for item in _BRACKETED.findall(value)]
    if not found:
        found = [f"<{token.strip('<>,;')}>" for token in value.split() if "@" in token]
    unique: list[str] = []
    for item in found:
        if item not in unique:
            unique.append(item)
    return unique


def synthetic_message_id(raw: bytes) -> str:
    """Make a stable id for a message that has none, so redelivering the same bytes deduplicates."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@{SYNTHETIC_ID_DOMAIN}>"


def is_synthetic(message_id: str) -> bool:
    """Whether we made the id up (and so must not put it in In-Reply-To)."""
    return message_id.rstrip(">").endswith(f"@{SYNTHETIC_ID_DOMAIN}")


def conversation_root(message_id: str, in_reply_to: list[str], references: list[str]) -> str:
    """Name the thread by its first message: the oldest reference, else the parent, else itself."""
    if references:
        return references[0]
    if in_reply_to:
        return in_reply_to[0]
    return message_id


def reply_references(parent_id: str, parent_references: list[str]) -> list[str]:
    """Return a reply's References: the parent's chain plus the parent, trimmed but keeping the root."""
    chain = [item for item in parent_references if item != parent_id]
    if not is_synthetic(parent_id):
        chain.append(parent_id)
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    return chain
