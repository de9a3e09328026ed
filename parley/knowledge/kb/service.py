"""Knowledge-base operations for staff: articles and FAQs, each write audited and announced as an event.

Indexing is not called from here: the ``article.*`` and ``faq.*`` events drive re-indexing, so every writer
(API, ingestion, imports) keeps the index fresh without remembering to.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy import Select, String, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.errors import NotFound
from parley.core.events import emit_event
from parley.core.patch import apply_patch
from parley.knowledge.kb.models import Article, Faq
from parley.knowledge.kb.schemas import ArticleIn, ArticleOut, ArticlePatch, FaqIn, FaqOut, FaqPatch

__all__ = [
    "article_query",
    "content_hash",
    "create_article",
    "create_faq",
    "delete_article",
    "delete_faq",
    "faq_query",
    "get_article",
    "get_faq",
    "update_article",
    "update_faq",
    "upsert_article_from_source",
]


def content_hash(*parts: str) -> str:
    """A stable hash of what an article says, so unchanged re-ingestion is a no-op."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _article_view(article: Article) -> dict[str, Any]:
    return ArticleOut.model_validate(article).model_dump(mode="json", exclude={"content"})


def _faq_view(faq: Faq) -> dict[str, Any]:
    return FaqOut.model_validate(faq).model_dump(mode="json")


async def get_article(session: AsyncSession, article_id: uuid.UUID) -> Article:
    """An article of the session's tenant, or NotFound."""
    article = await session.get(Article, article_id)
    if article is None:
        raise NotFound("no article with this id", details={"id": str(article_id)})
    return article


async def get_faq(session: AsyncSession, faq_id: uuid.UUID) -> Faq:
    """An FAQ of the session's tenant, or NotFound."""
    faq = await session.get(Faq, faq_id)
    if faq is None:
        raise NotFound("no FAQ with this id", details={"id": str(faq_id)})
    return faq


def article_query(
    *, category: str | None, status: str | None, language: str | None, tag: str | None, search: str | None
) -> Select[Any]:
    """Articles matching the list filters; a tag matches its quoted form in the JSON list on both backends."""
    statement = select(Article)
    for column, value in (
        (Article.category, category),
        (Article.status, status),
        (Article.language, language),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if tag is not None:
        statement = statement.where(cast(Article.tags, String).like(f'%"{tag}"%'))
    if search:
        pattern = f"%{search}%"
        statement = statement.where(or_(Article.title.ilike(pattern), Article.content.ilike(pattern)))
    return statement


def faq_query(
    *, category: str | None, status: str | None, language: str | None, search: str | None
) -> Select[Any]:
    """FAQs matching the list filters."""
    statement = select(Faq)
    for column, value in ((Faq.category, category), (Faq.status, status), (Faq.language, language)):
        if value is not None:
            statement = statement.where(column == value)
    if search:
        pattern = f"%{search}%"
        statement = statement.where(or_(Faq.question.ilike(pattern), Faq.answer.ilike(pattern)))
    return statement


async def create_article(
    session: AsyncSession, actor: Actor, *, data: ArticleIn, source: str | None = None
) -> Article:
    """Add an article; published ones become searchable once the event is handled."""
    actor.require("knowledge:write")
    article = Article(**data.model_dump(), source=source, content_hash=content_hash(data.title, data.content))
    session.add(article)
    await session.flush()
    record_audit(
        session,
        actor,
        action="article.create",
        entity_type="article",
        entity_id=article.id,
        after=_article_view(article),
    )
    emit_event(session, "article.created", entity_type="article", entity_id=article.id)
    return article


async def update_article(
    session: AsyncSession, actor: Actor, article_id: uuid.UUID, *, data: ArticlePatch
) -> Article:
    """Change an article; an unchanged body keeps its hash and costs no re-embedding."""
    actor.require("knowledge:write")
    article = await get_article(session, article_id)
    before = _article_view(article)
    apply_patch(article, data.model_dump(exclude_unset=True))
    article.content_hash = content_hash(article.title, article.content)
    await session.flush()
    record_audit(
        session,
        actor,
        action="article.update",
        entity_type="article",
        entity_id=article.id,
        before=before,
        after=_article_view(article),
    )
    emit_event(session, "article.updated", entity_type="article", entity_id=article.id)
    return article


async def delete_article(session: AsyncSession, actor: Actor, article_id: uuid.UUID) -> None:
    """Remove an article; the event removes its chunks from the index."""
    actor.require("knowledge:write")
    article = await get_article(session, article_id)
    before = _article_view(article)
    await session.delete(article)
    record_audit(
        session, actor, action="article.delete", entity_type="article", entity_id=article_id, before=before
    )
    emit_event(session, "article.deleted", entity_type="article", entity_id=article_id)


async def upsert_article_from_source(
    session: AsyncSession, actor: Actor, *, source: str, title: str, content: str, category: str | None = None
) -> tuple[Article, bool]:
    """Create or refresh the article ingested from a file; returns whether anything changed."""
    actor.require("knowledge:write")
    existing = await session.scalar(select(Article).where(Article.source == source))
    if existing is None:
        data = ArticleIn(title=title[:300], content=content, category=category, status="published")
        return await create_article(session, actor, data=data, source=source), True
    if existing.content_hash == content_hash(title[:300], content):
        return existing, False
    patch = ArticlePatch(title=title[:300], content=content)
    return await update_article(session, actor, existing.id, data=patch), True


async def create_faq(session: AsyncSession, actor: Actor, *, data: FaqIn) -> Faq:
    """Add an FAQ; its question variants are indexed too, which is what finds it for odd phrasings."""
    actor.require("knowledge:write")
    faq = Faq(**data.model_dump())
    session.add(faq)
    await session.flush()
    record_audit(
        session, actor, action="faq.create", entity_type="faq", entity_id=faq.id, after=_faq_view(faq)
    )
    emit_event(session, "faq.created", entity_type="faq", entity_id=faq.id)
    return faq


async def update_faq(session: AsyncSession, actor: Actor, faq_id: uuid.UUID, *, data: FaqPatch) -> Faq:
    """Change an FAQ."""
    actor.require("knowledge:write")
    faq = await get_faq(session, faq_id)
    before = _faq_view(faq)
    apply_patch(faq, data.model_dump(exclude_unset=True))
    await session.flush()
    record_audit(
        session,
        actor,
        action="faq.update",
        entity_type="faq",
        entity_id=faq.id,
        before=before,
        after=_faq_view(faq),
    )
    emit_event(session, "faq.updated", entity_type="faq", entity_id=faq.id)
    return faq


async def delete_faq(session: AsyncSession, actor: Actor, faq_id: uuid.UUID) -> None:
    """Remove an FAQ and, through the event, its chunks."""
    actor.require("knowledge:write")
    faq = await get_faq(session, faq_id)
    before = _faq_view(faq)
    await session.delete(faq)
    record_audit(session, actor, action="faq.delete", entity_type="faq", entity_id=faq_id, before=before)
    emit_event(session, "faq.deleted", entity_type="faq", entity_id=faq_id)
