"""Ingesting files into the knowledge base, one transaction per file, with a job record and progress.

The CLI (``parley ingest PATH``) and the upload endpoint both call :func:`run_ingest_job`; a file that fails
is recorded with its reason and the rest go on.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from parley.core.actor import Actor
from parley.core.clock import utcnow
from parley.core.db import Database
from parley.knowledge.kb.files import FileRejected, read_document
from parley.knowledge.kb.models import IngestJob
from parley.knowledge.kb.service import upsert_article_from_source

__all__ = ["IncomingFile", "create_ingest_job", "run_ingest_job"]

Progress = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """A file to ingest: where it came from (its stable source key) and its bytes."""

    source: str
    data: bytes


async def create_ingest_job(db: Database, actor: Actor, *, total: int) -> uuid.UUID:
    """Record a queued job so the caller can answer at once and poll later."""
    actor.require("knowledge:write")
    async with db.transaction(actor.tenant_id) as session:
        job = IngestJob(status="queued", total=total, results=[])
        session.add(job)
    return job.id


async def run_ingest_job(
    db: Database,
    actor: Actor,
    job_id: uuid.UUID,
    files: Sequence[IncomingFile],
    *,
    category: str | None = None,
    progress: Progress | None = None,
) -> IngestJob:
    """Ingest each file in its own transaction and record per-file outcomes on the job."""
    results: list[dict[str, object]] = []
    await _update(db, actor, job_id, status="running")
    for incoming in files:
        outcome: dict[str, object] = {"source": incoming.source}
        try:
            document = read_document(incoming.source, incoming.data)
            async with db.transaction(actor.tenant_id) as session:
                article, changed = await upsert_article_from_source(
                    session,
                    actor,
                    source=incoming.source,
                    title=document.title,
                    content=document.content,
                    category=category,
                )
            outcome |= {"status": "ingested" if changed else "unchanged", "article_id": str(article.id)}
        except FileRejected as exc:
            outcome |= {"status": "failed", "error": str(exc)}
        results.append(outcome)
        if progress is not None:
            progress(incoming.source, str(outcome["status"]))
        await _update(db, actor, job_id, results=list(results))
    failed = sum(1 for result in results if result["status"] == "failed")
    return await _update(
        db,
        actor,
        job_id,
        status="completed" if failed < len(files) or not files else "failed",
        results=results,
        finished=True,
    )


async def _update(
    db: Database,
    actor: Actor,
    job_id: uuid.UUID,
    *,
    status: str | None = None,
    results: list[dict[str, object]] | None = None,
    finished: bool = False,
) -> IngestJob:
    async with db.transaction(actor.tenant_id) as session:
        job = await session.get(IngestJob, job_id)
        assert job is not None
        if status is not None:
            job.status = status
        if results is not None:
            job.results = results
            job.done = sum(1 for result in results if result["status"] != "failed")
            job.failed = len(results) - job.done
        if finished:
            job.finished_at = utcnow()
    return job
