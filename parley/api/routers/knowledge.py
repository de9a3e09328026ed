"""Knowledge-base routes: articles, FAQs, file uploads with their jobs."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile

from parley.api.deps import RuntimeDep, SessionDep, require
from parley.api.envelope import ok
from parley.api.listing import list_params
from parley.core.actor import Actor
from parley.core.errors import NotFound, ValidationFailed
from parley.core.listing import ListParams, apply_sort, paginate, sparse
from parley.knowledge.kb import service
from parley.knowledge.kb.ingest import IncomingFile, create_ingest_job, run_ingest_job
from parley.knowledge.kb.models import Article, Faq, IngestJob
from parley.knowledge.kb.schemas import (
    ArticleIn,
    ArticleOut,
    ArticlePatch,
    FaqIn,
    FaqOut,
    FaqPatch,
    IngestJobOut,
)

router = APIRouter(prefix="/api/v1/knowledge-base", tags=["knowledge base"])

Reader = Annotated[Actor, Depends(require("knowledge:read"))]
Writer = Annotated[Actor, Depends(require("knowledge:write"))]
Status = Annotated[str | None, Query(pattern="^(draft|published|archived)$")]
Short = Annotated[str | None, Query(max_length=100)]

_ARTICLE_SORT = {"created_at": Article.created_at, "updated_at": Article.updated_at, "title": Article.title}
_FAQ_SORT = {"created_at": Faq.created_at, "updated_at": Faq.updated_at, "question": Faq.question}
_background: set[asyncio.Task[Any]] = set()


def _article(article: Article) -> dict[str, Any]:
    return ArticleOut.model_validate(article).model_dump(mode="json")


def _faq(faq: Faq) -> dict[str, Any]:
    return FaqOut.model_validate(faq).model_dump(mode="json")


@router.get("/articles", summary="List articles")
async def list_articles(
    actor: Reader,
    session: SessionDep,
    params: Annotated[ListParams, Depends(list_params)],
    category: Short = None,
    status: Status = None,
    language: Short = None,
    tag: Annotated[str | None, Query(max_length=50, pattern=r"^[\w][\w .-]*$")] = None,
) -> dict[str, Any]:
    """Filter by category, status, language and tag; search title and body."""
    statement = service.article_query(
        category=category, status=status, language=language, tag=tag, search=params.search
    )
    statement = apply_sort(statement, params.sort, _ARTICLE_SORT, default="-updated_at")
    rows, info = await paginate(session, statement, params)
    return ok([sparse(_article(row), params.fields) for row in rows], pagination=info)


@router.post("/articles", status_code=201, summary="Create an article")
async def post_article(body: ArticleIn, actor: Writer, session: SessionDep) -> dict[str, Any]:
    """Published articles are indexed for the agent and search within moments."""
    return ok(_article(await service.create_article(session, actor, data=body)))


@router.get("/articles/{article_id}", summary="Get an article")
async def read_article(article_id: uuid.UUID, actor: Reader, session: SessionDep) -> dict[str, Any]:
    """One article with its Markdown body."""
    return ok(_article(await service.get_article(session, article_id)))


@router.patch("/articles/{article_id}", summary="Change an article")
async def patch_article(
    article_id: uuid.UUID, body: ArticlePatch, actor: Writer, session: SessionDep
) -> dict[str, Any]:
    """Re-indexed automatically; unchanged text costs nothing."""
    return ok(_article(await service.update_article(session, actor, article_id, data=body)))


@router.delete("/articles/{article_id}", summary="Delete an article")
async def remove_article(article_id: uuid.UUID, actor: Writer, session: SessionDep) -> dict[str, Any]:
    """Removed from search too."""
    await service.delete_article(session, actor, article_id)
    return ok({"id": str(article_id), "deleted": True})


@router.get("/faqs", summary="List FAQs")
async def list_faqs(
    actor: Reader,
    session: SessionDep,
    params: Annotated[ListParams, Depends(list_params)],
    category: Short = None,
    status: Status = None,
    language: Short = None,
) -> dict[str, Any]:
    """Filter by category, status and language; search question and answer."""
    statement = service.faq_query(category=category, status=status, language=language, search=params.search)
    statement = apply_sort(statement, params.sort, _FAQ_SORT, default="-updated_at")
    rows, info = await paginate(session, statement, params)
    return ok([sparse(_faq(row), params.fields) for row in rows], pagination=info)


@router.post("/faqs", status_code=201, summary="Create an FAQ")
async def post_faq(body: FaqIn, actor: Writer, session: SessionDep) -> dict[str, Any]:
    """Question variants make the FAQ findable however customers phrase it."""
    return ok(_faq(await service.create_faq(session, actor, data=body)))


@router.get("/faqs/{faq_id}", summary="Get an FAQ")
async def read_faq(faq_id: uuid.UUID, actor: Reader, session: SessionDep) -> dict[str, Any]:
    """One FAQ."""
    return ok(_faq(await service.get_faq(session, faq_id)))


@router.patch("/faqs/{faq_id}", summary="Change an FAQ")
async def patch_faq(faq_id: uuid.UUID, body: FaqPatch, actor: Writer, session: SessionDep) -> dict[str, Any]:
    """Re-indexed automatically."""
    return ok(_faq(await service.update_faq(session, actor, faq_id, data=body)))


@router.delete("/faqs/{faq_id}", summary="Delete an FAQ")
async def remove_faq(faq_id: uuid.UUID, actor: Writer, session: SessionDep) -> dict[str, Any]:
    """Removed from search too."""
    await service.delete_faq(session, actor, faq_id)
    return ok({"id": str(faq_id), "deleted": True})


@router.post("/upload", status_code=202, summary="Upload files to ingest")
async def upload(
    actor: Writer,
    runtime: RuntimeDep,
    files: Annotated[list[UploadFile], File(description="Markdown, HTML, plain text or PDF files.")],
    category: Annotated[str | None, Form(max_length=100)] = None,
) -> dict[str, Any]:
    """Answers at once with a job; poll ``/jobs/{job_id}`` for each file's outcome."""
    if not files or len(files) > 100:
        raise ValidationFailed("send between 1 and 100 files", field="files")
    incoming = [
        IncomingFile(source=f"upload:{upload.filename or 'unnamed'}", data=await upload.read())
        for upload in files
    ]
    job_id = await create_ingest_job(runtime.db, actor, total=len(incoming))
    task = asyncio.get_running_loop().create_task(
        run_ingest_job(runtime.db, actor, job_id, incoming, category=category)
    )
    _background.add(task)
    task.add_done_callback(_background.discard)
    return ok({"job_id": str(job_id), "status": "queued", "total": len(incoming)})


@router.get("/jobs/{job_id}", summary="Get an ingestion job")
async def read_job(job_id: uuid.UUID, actor: Reader, session: SessionDep) -> dict[str, Any]:
    """Status, counts and a result per file (ingested, unchanged or failed with its reason)."""
    job = await session.get(IngestJob, job_id)
    if job is None:
        raise NotFound("no ingestion job with this id")
    return ok(IngestJobOut.model_validate(job).model_dump(mode="json"))
