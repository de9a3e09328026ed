"""Cutting documents into chunks that follow Markdown headings and fit the embedding model.

A chunk is what the index stores and what search returns. Each carries its document's metadata and the
heading path it sits under, and two texts: ``text`` (shown to the customer and highlighted) and
``index_text`` (embedded and keyword-indexed), which adds the title and headings so that a section
called "Costs" under "Shipping" is found by a question about shipping costs.

FAQs get one extra chunk per phrasing of the question (the title and every variant): customers
paraphrase questions far more than they paraphrase answers, and on FAQ data matching the question
chunk is what lifts retrieval the most.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parley.knowledge.documents import DocumentKind, DocumentMetadata, KnowledgeDocument

if TYPE_CHECKING:
    from llama_index.core.node_parser import MarkdownNodeParser, SentenceSplitter

__all__ = ["CHUNKER_VERSION", "Chunk", "Chunker"]

#: Bump when chunking changes in a way that should re-index every document once.
CHUNKER_VERSION = "1"

_HEADING = re.compile(r"^ {0,3}#{1,6}\s+\S", re.MULTILINE)
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_PATH_SEPARATOR = "\x1f"  # a header path separator no heading contains


@dataclass(frozen=True, slots=True)
class Chunk:
    """One indexed piece of a document, with everything search needs to filter, rank and show it."""

    tenant_id: str
    document_id: str
    chunk_id: str
    position: int
    kind: DocumentKind
    title: str
    text: str
    index_text: str
    heading_path: tuple[str, ...]
    metadata: DocumentMetadata
    document_hash: str
    chunk_hash: str
    chunk_count: int


@dataclass(frozen=True, slots=True)
class _Piece:
    suffix: str
    text: str
    index_text: str
    heading_path: tuple[str, ...]


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class Chunker:
    """Splits documents by Markdown heading, then by sentence where a section is too long.

    Args:
        chunk_size: Most tokens per chunk (tiktoken's count). 200 leaves room for the title and
            headings inside the 256 word pieces that MiniLM reads; longer text would be cut off.
        chunk_overlap: Tokens repeated between consecutive pieces of one long section.

    """

    def __init__(self, *, chunk_size: int = 200, chunk_overlap: int = 20) -> None:
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        # Short plain text (most product descriptions) skips llama-index: about 1 ms a document
        # adds up to a minute on a 50k catalogue. Three characters a token is a safe underestimate.
        self._short_text_chars = chunk_size * 3
        self._markdown: MarkdownNodeParser | None = None
        self._splitter: SentenceSplitter | None = None

    @property
    def version(self) -> str:
        """Part of every content hash: a different chunking re-indexes documents once."""
        return f"chunker-{CHUNKER_VERSION}-{self.chunk_size}-{self.chunk_overlap}"

    def document_hash(self, document: KnowledgeDocument, *, salt: str = "") -> str:
        """Hash a document as :meth:`chunk` stamps it, without chunking it (the cheap unchanged check)."""
        return document.content_hash(salt=f"{salt}|{self.version}")

    def chunk(self, document: KnowledgeDocument, *, salt: str = "") -> list[Chunk]:
        """Cut one document into chunks in reading order, an FAQ's question chunks first.

        Args:
            document: The document to cut.
            salt: Mixed into every hash (the indexer passes the embedding model's name).

        """
        pieces = self._question_pieces(document) + self._body_pieces(document)
        document_hash = self.document_hash(document, salt=salt)
        return [
            Chunk(
                tenant_id=document.tenant_id,
                document_id=document.id,
                chunk_id=f"{document.id}#{piece.suffix}",
                position=position,
                kind=document.kind,
                title=document.title,
                text=piece.text,
                index_text=piece.index_text,
                heading_path=piece.heading_path,
                metadata=document.metadata,
                document_hash=document_hash,
                chunk_hash=_digest(salt, self.version, piece.index_text),
                chunk_count=len(pieces),
            )
            for position, piece in enumerate(pieces)
        ]

    def _question_pieces(self, document: KnowledgeDocument) -> list[_Piece]:
        if document.kind is not DocumentKind.FAQ:
            return []
        phrasings: dict[str, str] = {}
        for phrasing in (document.title, *document.metadata.question_variants):
            cleaned = " ".join(phrasing.split())
            if cleaned:
                phrasings.setdefault(cleaned.casefold(), cleaned)
        return [_Piece(f"q{i}", text, text, ()) for i, text in enumerate(phrasings.values())]

    def _body_pieces(self, document: KnowledgeDocument) -> list[_Piece]:
        prefix = _index_prefix(document)
        pieces: list[_Piece] = []
        for heading_path, section in self._sections(document.text):
            for text in self._split(section):
                header = "\n".join(filter(None, [prefix, " > ".join(heading_path)]))
                index_text = f"{header}\n\n{text}" if text else header
                pieces.append(_Piece(str(len(pieces)), text, index_text, heading_path))
        if not pieces and document.kind is not DocumentKind.FAQ:
            # A product with no description is still found by its title, SKU and category.
            pieces.append(_Piece("0", document.title, prefix, ()))
        return pieces

    def _sections(self, text: str) -> list[tuple[tuple[str, ...], str]]:
        text = text.strip()
        if not text:
            return []
        if not _HEADING.search(text):
            return [((), text)]
        from llama_index.core.schema import Document

        sections = []
        for node in self._markdown_parser().get_nodes_from_documents([Document(text=text)]):
            parents = [part for part in node.metadata.get("header_path", "").split(_PATH_SEPARATOR) if part]
            lines = node.get_content().strip().split("\n", 1)
            match = _HEADING_LINE.match(lines[0])
            if match:
                path = (*parents, match.group(1))
                body = lines[1].strip() if len(lines) > 1 else ""
            else:
                path, body = tuple(parents), node.get_content().strip()
            if body:
                sections.append((path, body))
        return sections

    def _split(self, text: str) -> list[str]:
        if len(text) <= self._short_text_chars:
            return [text]
        return [piece.strip() for piece in self._sentence_splitter().split_text(text) if piece.strip()]

    def _markdown_parser(self) -> MarkdownNodeParser:
        if self._markdown is None:
            from llama_index.core.node_parser import MarkdownNodeParser

            self._markdown = MarkdownNodeParser(header_path_separator=_PATH_SEPARATOR)
        return self._markdown

    def _sentence_splitter(self) -> SentenceSplitter:
        if self._splitter is None:
            from llama_index.core.node_parser import SentenceSplitter

            self._splitter = SentenceSplitter(chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap)
        return self._splitter


def _index_prefix(document: KnowledgeDocument) -> str:
    """Build the title line, plus SKU and category for products: words customers type, descriptions lack."""
    meta = document.metadata
    if document.kind is not DocumentKind.PRODUCT:
        return document.title
    facts = [f"SKU {meta.sku}" if meta.sku else "", meta.category or ""]
    line = " · ".join(fact for fact in facts if fact)
    return f"{document.title}\n{line}" if line else document.title
