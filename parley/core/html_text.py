"""HTML e-mail bodies as plain text, with quoted blocks kept recognisable.

Many clients send only HTML. The agent wants the words, and the quote stripper wants to know what was
quoted, so ``<blockquote>`` content comes out prefixed with ``> `` like a plain-text reply would be.
Standard library only: mail HTML needs no layout engine, just paragraphs, line breaks and list items.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text"]

_SKIP = frozenset({"head", "script", "style", "title", "noscript", "template", "svg", "xml"})
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figure",
        "footer",
        "form",
        "header",
        "main",
        "nav",
        "ol",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    }
)
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"})
_QUOTE_OPEN, _QUOTE_CLOSE = "\x00quote-open\x00", "\x00quote-close\x00"


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "hr":
            self.parts.append("\n\n")
        elif tag == "li":
            self._newline()
            self.parts.append("- ")
        elif tag in ("td", "th"):
            self._space()
        elif tag == "blockquote":
            self.parts.append(f"\n{_QUOTE_OPEN}\n")
        elif tag in _PARAGRAPH:
            self.parts.append("\n\n")
            self._pre_depth += tag == "pre"
        elif tag in _BLOCK:
            self._newline()

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def _space(self) -> None:
        if self.parts and not self.parts[-1][-1:].isspace():
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "blockquote":
            self.parts.append(f"\n{_QUOTE_CLOSE}\n")
        elif tag in _PARAGRAPH:
            self.parts.append("\n\n")
            self._pre_depth = max(0, self._pre_depth - (tag == "pre"))
        elif tag in _BLOCK or tag == "li":
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIP:
            self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._pre_depth:
            self.parts.append(data.replace("\n", "\x00nl\x00"))
        else:
            text = re.sub(r"\s+", " ", data)
            if text.startswith(" ") and (not self.parts or self.parts[-1][-1:].isspace()):
                text = text[1:]
            if text:
                self.parts.append(text)


def _render(collected: str) -> str:
    lines: list[str] = []
    depth = 0
    for line in collected.split("\n"):
        if line == _QUOTE_OPEN:
            depth += 1
            continue
        if line == _QUOTE_CLOSE:
            depth = max(0, depth - 1)
            continue
        for piece in line.replace("\x00nl\x00", "\n").split("\n"):
            text = piece.replace("\xa0", " ").strip()
            lines.append(("> " * depth + text).rstrip() if text else ">" * depth)
    rendered = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", rendered).strip("\n")


def html_to_text(html: str) -> str:
    """Readable text from an HTML body: blocks become lines, ``<blockquote>`` lines start with ``> ``."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return _render("".join(collector.parts))
