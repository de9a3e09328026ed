"""Knowledge-base search: articles and FAQs ranked by the knowledge index, declared once as an operation."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.knowledge.documents import DocumentKind
from parley.knowledge.filters import SearchFilters
from parley.knowledge.query import SearchMode
from parley.knowledge.service import knowledge_of
from parley.tools.operation import Operation

__all__ = ["OPERATIONS", "KnowledgeHit", "KnowledgeQuery", "KnowledgeResults", "search_knowledge_base"]


class KnowledgeQuery(BaseModel):
    """A question to answer from the published articles and FAQs."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field(
        min_length=1, max_length=500, description="The question, e.g. 'can I pay by bank transfer?'"
    )
    mode: SearchMode = SearchMode.HYBRID
    kind: Literal["article", "faq"] | None = Field(None, description="Only articles or only FAQs.")
    category: str | None = Field(None, max_length=100)
    language: str | None = Field(None, min_length=2, max_length=8)
    threshold: float | None = Field(None, description="Drop results scoring below (the mode's scale).")
    limit: int = Field(5, ge=1, le=50)


class KnowledgeHit(BaseModel):
    """The best passage of one article or FAQ."""

    document_id: str
    kind: Literal["article", "faq"]
    title: str
    text: str
    heading_path: list[str]
    category: str | None
    language: str | None
    score: float
    highlights: list[str]
    matched_terms: list[str]


class KnowledgeResults(BaseModel):
    """Passages best first, and how long the search took."""

    query: str
    mode: SearchMode
    total: int
    results: list[KnowledgeHit]
    search_time_ms: float
    embed_time_ms: float


async def search_knowledge_base(
    session: AsyncSession, actor: Actor, data: KnowledgeQuery
) -> KnowledgeResults:
    """Rank the tenant's published articles and FAQs for a question."""
    kinds = (DocumentKind(data.kind),) if data.kind else (DocumentKind.ARTICLE, DocumentKind.FAQ)
    filters = SearchFilters(
        tenant_id=str(actor.tenant_id),
        kinds=kinds,
        categories=(data.category,) if data.category else (),
        languages=(data.language,) if data.language else (),
    )
    results = await knowledge_of(session).search(
        data.q, filters=filters, mode=data.mode, limit=data.limit, score_threshold=data.threshold
    )
    hits = [
        KnowledgeHit(
            document_id=hit.document_id,
            kind=hit.kind.value,
            title=hit.title,
            text=hit.text,
            heading_path=list(hit.heading_path),
            category=_str(hit.metadata.get("category")),
            language=_str(hit.metadata.get("language")),
            score=round(hit.score, 6),
            highlights=list(hit.highlights),
            matched_terms=list(hit.matched_terms),
        )
        for hit in results.hits
    ]
    return KnowledgeResults(
        query=data.q,
        mode=results.mode,
        total=len(hits),
        results=hits,
        search_time_ms=round(results.took_ms, 2),
        embed_time_ms=round(results.embed_ms, 2),
    )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="search_knowledge_base",
        description="Find the help article or FAQ that answers a customer's question. Best passages first.",
        input=KnowledgeQuery,
        output=KnowledgeResults,
        scope="knowledge:read",
        method="GET",
        path="/api/v1/knowledge-base/search",
        handler=search_knowledge_base,
        tags=("knowledge base",),
    ),
)
