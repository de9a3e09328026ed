"""Reading files for ingestion: Markdown, HTML, plain text and PDF become a title and Markdown-ish text.

Each file either yields a document or a clear reason it was refused; one broken file never stops the rest.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePath

from parley.core.html_text import html_to_text

__all__ = ["SUPPORTED_SUFFIXES", "FileRejected", "ReadFile", "read_document"]

SUPPORTED_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm", ".pdf"})
MAX_FILE_BYTES = 20 * 1024 * 1024


class FileRejected(ValueError):
    """A file that cannot be ingested, with a reason a person can act on."""


@dataclass(frozen=True, slots=True)
class ReadFile:
    """The text of one file, ready to become an article."""

    title: str
    content: str


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected("the file is not text in a known encoding")


def _title_from(text: str, fallback: str) -> str:
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if stripped:
            return stripped[:300]
    return fallback


def _read_pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise FileRejected(f"the PDF cannot be read: {exc}") from exc
    return "\n\n".join(page.strip() for page in pages if page.strip())


def read_document(filename: str, data: bytes) -> ReadFile:
    """Turn one file's bytes into a title and text, or raise :class:`FileRejected`."""
    suffix = PurePath(filename).suffix.lower()
    stem = PurePath(filename).stem.replace("_", " ").replace("-", " ").strip() or filename
    if suffix not in SUPPORTED_SUFFIXES:
        raise FileRejected(
            f"unsupported file type {suffix or '(none)'}; use {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    if len(data) > MAX_FILE_BYTES:
        raise FileRejected(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise FileRejected("the file is empty")
    if suffix == ".pdf":
        text = _read_pdf(data)
        if not text:
            raise FileRejected("the PDF has no extractable text (a scanned image?)")
        return ReadFile(title=_title_from(text, stem), content=text)
    text = _decode(data)
    if suffix in (".html", ".htm"):
        title = stem
        lowered = text.lower()
        start, end = lowered.find("<title>"), lowered.find("</title>")
        if 0 <= start < end:
            title = html_to_text(text[start + 7 : end]).strip() or stem
        text = html_to_text(text)
        if not text.strip():
            raise FileRejected("the HTML page has no text")
        return ReadFile(title=title[:300], content=text)
    return ReadFile(title=_title_from(text, stem), content=text.strip())
