"""Gapless numbers such as ``INV-2026-00001``, per tenant, series and year, safe under concurrency.

The counter row is bumped with one ``UPDATE ... SET last = last + 1 RETURNING last`` in the same transaction
that creates the document. The row lock makes concurrent creators wait for each other; a transaction that
rolls back takes its increment with it, so numbers have neither gaps nor duplicates. The first number of a
year inserts the row inside a savepoint; a concurrent first insert loses on the unique key and bumps instead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.clock import utcnow
from parley.tools.numbering.models import DocumentCounter

__all__ = ["next_number"]


async def _bump(session: AsyncSession, series: str, year: int) -> int | None:
    result = await session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.series == series, DocumentCounter.year == year)
        .values(last=DocumentCounter.last + 1)
        .returning(DocumentCounter.last)
        .execution_options(synchronize_session=False)
    )
    return result.scalar_one_or_none()


async def next_number(session: AsyncSession, series: str, *, now: datetime | None = None) -> str:
    """The next number of a series for the session's tenant, e.g. ``Q-2026-00042``."""
    year = (now or utcnow()).year
    value = await _bump(session, series, year)
    if value is None:
        try:
            async with session.begin_nested():
                session.add(DocumentCounter(series=series, year=year, last=1))
            value = 1
        except IntegrityError:
            value = await _bump(session, series, year)
            if value is None:  # pragma: no cover - the row exists after a unique violation
                raise
    return f"{series}-{year}-{value:05d}"
