"""Marking the query's terms in a chunk, so an agent or a person sees why it was returned.

A word counts as matched when BM25 turns it into a token the query also has: "bolts" in the text
matches "bolt" in the query through the same stemmer and stop words that keyword search ranked with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parley.knowledge.sparse import Bm25Encoder

__all__ = ["Highlight", "highlight"]

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Highlight:
    """Fragments of a chunk with matched words wrapped in marks, and the distinct words matched."""

    fragments: tuple[str, ...]
    terms: tuple[str, ...]


def highlight(
    text: str,
    query_ids: frozenset[int],
    encoder: Bm25Encoder,
    *,
    max_fragments: int = 3,
    fragment_chars: int = 160,
    marks: tuple[str, str] = ("<mark>", "</mark>"),
) -> Highlight:
    """Up to ``max_fragments`` windows of about ``fragment_chars`` around the matches, best first.

    Args:
        text: The chunk text as shown to the reader.
        query_ids: Token ids of the query (from :meth:`Bm25Encoder.embed_query`).
        encoder: The encoder the index was built with.
        max_fragments: Most fragments returned.
        fragment_chars: Rough size of a fragment; a text no longer than this is returned whole.
        marks: The strings put before and after a matched word.

    """
    if not query_ids or not text:
        return Highlight((), ())
    spans = [m.span() for m in _WORD.finditer(text) if encoder.term_ids(m.group()) & query_ids]
    if not spans:
        return Highlight((), ())
    terms = tuple(dict.fromkeys(text[start:end].casefold() for start, end in spans))
    if len(text) <= fragment_chars:
        return Highlight((_mark(text, 0, len(text), spans, marks),), terms)

    windows = _windows(text, spans, fragment_chars)
    best = sorted(windows, key=lambda w: -len({text[s:e].casefold() for s, e in spans if w[0] <= s < w[1]}))
    chosen = sorted(best[:max_fragments])
    fragments = tuple(_mark(text, start, end, spans, marks) for start, end in chosen)
    return Highlight(fragments, terms)


def _windows(text: str, spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Windows centred on matches, widened to word boundaries and merged where they overlap."""
    windows: list[tuple[int, int]] = []
    for start, end in spans:
        left = max(0, start - size // 2)
        right = min(len(text), max(end, left + size))
        while left > 0 and text[left - 1].isalnum():
            left -= 1
        while right < len(text) and text[right].isalnum():
            right += 1
        if windows and left <= windows[-1][1]:
            if right - windows[-1][0] <= 2 * size:
                windows[-1] = (windows[-1][0], max(right, windows[-1][1]))
                continue
            left = windows[-1][1]
        windows.append((left, right))
    return windows


def _mark(text: str, start: int, end: int, spans: list[tuple[int, int]], marks: tuple[str, str]) -> str:
    out, cursor = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [text[cursor:s], marks[0], text[s:e], marks[1]]
        cursor = e
    out.append(text[cursor:end])
    fragment = "".join(out).strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return f"{prefix}{fragment}{suffix}"
