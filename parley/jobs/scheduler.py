"""Time-driven transitions on a schedule: quotations expire, invoices fall overdue, stock holds lapse, and more.

Approval requests past their SLA deadline are escalated, and those past their expiry lapse.

Each job is a service function that selects only the rows still due and moves them under a row lock, so a run
is idempotent and two processes running it at once (several API workers) move each row once: no lock service
is needed. Every tenant's job runs in its own transaction, so one tenant's failure never blocks another's.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor, ActorKind
from parley.core.db import Database
from parley.hitl.decisions import escalate_overdue, expire_due
from parley.identity.models import Tenant
from parley.tools.invoices.service import mark_overdue
from parley.tools.quotations.service import expire_quotations
from parley.tools.stock.service import release_expired_reservations

__all__ = [
    "JOBS",
    "Job",
    "JobReport",
    "run_jobs_once",
    "run_periodically",
    "scheduler_actor",
]

logger = logging.getLogger(__name__)

_SCOPES = frozenset({"negotiations:write", "payments:write", "stock:reserve", "hitl:escalate"})


@dataclass(frozen=True, slots=True)
class Job:
    """One scheduled transition: a name for logs and reports, and the call that runs it for one tenant."""

    name: str
    run: Callable[[AsyncSession, Actor, datetime], Awaitable[int]]


@dataclass(slots=True)
class JobReport:
    """What one run changed: rows moved per job, and the (job, tenant) pairs that failed."""

    changed: dict[str, int]
    failed: list[tuple[str, uuid.UUID]] = field(default_factory=list)


async def _expire_quotations(session: AsyncSession, actor: Actor, now: datetime) -> int:
    return len(await expire_quotations(session, actor, now=now))


async def _mark_overdue(session: AsyncSession, actor: Actor, now: datetime) -> int:
    return len(await mark_overdue(session, actor, now=now))


async def _release_reservations(session: AsyncSession, actor: Actor, now: datetime) -> int:
    return await release_expired_reservations(session, actor, now=now)


async def _escalate_approvals(session: AsyncSession, actor: Actor, now: datetime) -> int:
    return await escalate_overdue(session, actor, now=now)


async def _expire_approvals(session: AsyncSession, actor: Actor, now: datetime) -> int:
    return len(await expire_due(session, actor, now=now))


JOBS: tuple[Job, ...] = (
    Job("expire_quotations", _expire_quotations),
    Job("mark_overdue_invoices", _mark_overdue),
    Job("release_expired_reservations", _release_reservations),
    Job("expire_approvals", _expire_approvals),
    Job("escalate_overdue_approvals", _escalate_approvals),
)
"""Every scheduled job, in the order a run takes them (a lapsed approval expires before it could be escalated); ``parley jobs run-once`` and the API process run the same
list, so a cron-driven deployment escalates and expires approvals too."""


def scheduler_actor(tenant_id: uuid.UUID) -> Actor:
    """The system principal the jobs act as, so their audit entries read ``scheduler``."""
    return Actor(kind=ActorKind.SYSTEM, id=None, tenant_id=tenant_id, scopes=_SCOPES, label="scheduler")


async def run_jobs_once(db: Database, *, now: datetime, jobs: Sequence[Job] = JOBS) -> JobReport:
    """Run every job for every tenant as of ``now``; a failure is logged and reported, not raised."""
    async with db.system_session() as session:
        tenant_ids = list(await session.scalars(select(Tenant.id).order_by(Tenant.created_at)))
    report = JobReport(changed=dict.fromkeys((job.name for job in jobs), 0))
    for tenant_id in tenant_ids:
        actor = scheduler_actor(tenant_id)
        for job in jobs:
            try:
                async with db.transaction(tenant_id) as session:
                    report.changed[job.name] += await job.run(session, actor, now)
            except Exception:
                logger.exception("scheduled job %s failed for tenant %s", job.name, tenant_id)
                report.failed.append((job.name, tenant_id))
    return report


async def run_periodically(db: Database, *, interval_s: float, clock: Callable[[], datetime]) -> None:
    """Run the jobs now and then every ``interval_s`` seconds until cancelled (the API lifespan owns this)."""
    while True:
        try:
            report = await run_jobs_once(db, now=clock())
        except Exception:
            logger.exception("scheduled jobs could not run (database unreachable?)")
        else:
            if any(report.changed.values()):
                logger.info("scheduled jobs changed %s", report.changed)
        await asyncio.sleep(interval_s)
