"""Splitting a long reply into messages a provider accepts, at the most natural boundary available.

Telegram refuses texts over 4,096 characters and Twilio WhatsApp bodies over 1,600. A reply cut mid-word
reads as broken, so each chunk ends at a paragraph break if one is near the limit, else a line break, a
sentence end, or a space; only a single word longer than the limit (a URL, say) is ever cut inside.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["split_message", "utf16_length"]

_MIN_FILL = 0.5
"""A paragraph, line or sentence boundary is used only if the chunk is at least this full."""
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_LINE = re.compile(r"\n")
_SENTENCE = re.compile(r"[.!?…。！？][\"'”’)\]]*(?=\s)")
_SPACE = re.compile(r"\s")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """Return the largest n with ``measure(text[:n]) <= limit`` (measure grows with n)."""
    low, high = 0, min(len(text), limit)
    if measure is len:
        return high
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _last_boundary(pattern: re.Pattern[str], window: str, *, end: bool) -> int | None:
    position = None
    for match in pattern.finditer(window):
        position = match.end() if end else match.start()
    return position


def _cut_point(text: str, limit: int, measure: Callable[[str], int]) -> int:
    size = _fitting_prefix(text, limit, measure)
    if size == 0:
        return 1  # the limit cannot hold even one character; make progress anyway
    window = text[:size]
    window_end_is_boundary = size < len(text) and text[size].isspace()
    for pattern, at_end in ((_PARAGRAPH, False), (_LINE, False), (_SENTENCE, True)):
        position = _last_boundary(pattern, window, end=at_end)
        if position is not None and position >= size * _MIN_FILL:
            return position
    if window_end_is_boundary:
        return size
    position = _last_boundary(_SPACE, window, end=False)
    if position:
        return position
    return size


def split_message(text: str, limit: int = 4096, *, measure: Callable[[str], int] = utf16_length) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` (as counted by ``measure``), never inside a word.

    Whitespace at the cut is dropped, so no chunk starts or ends with a blank line. A single word longer
    than the limit is the one case that is cut inside. Empty or blank text gives an empty list.

    Args:
        text: The reply to send.
        limit: The provider's maximum message length.
        measure: How the provider counts length; UTF-16 code units by default (Telegram's unit, and
            never less than ``len``, so it is safe for providers that count code points).

    """
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            chunks.append(rest)
            break
        cut = _cut_point(rest, limit, measure)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            chunks.append(head)
    return chunks
