"""The database: one declarative base, an engine per process, and tenant-scoped sessions.

Sessions come only from :class:`Database`, which marks each with the tenant it serves; the tenancy hooks in
``parley.core.tenancy`` then filter every query and stamp every insert, so no caller has to remember to.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from parley.core.clock import utcnow
from parley.core.types import UTCDateTime

__all__ = ["Base", "Database", "TimestampMixin", "UUIDPrimaryKey", "ensure_sqlite_folder"]

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints the same everywhere."""

    metadata = MetaData(naming_convention=_NAMING)


class UUIDPrimaryKey:
    """A random UUID primary key: ids that do not leak counts or order across tenants."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    """Creation and update times, set by the database layer rather than by callers."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite file, so a fresh checkout needs no set-up step."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


class Database:
    """Owns the engine and hands out sessions bound to one tenant, or to the system for cross-tenant work."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        ensure_sqlite_folder(url)
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite and parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = NullPool
        elif self.is_sqlite:
            # Reused connections: opening one (a thread, the file, the pragmas) was half of a webhook's time.
            kwargs.update(pool_size=5, max_overflow=10)
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        #: Process services handed to every session (``session.info``), so an operation handler, which
        #: gets only a session and an actor, can reach them: the knowledge index, for one.
        self.services: dict[str, Any] = {}

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "sqlite" if self.is_sqlite else "postgresql"

    def session(self, tenant_id: uuid.UUID) -> AsyncSession:
        """A session that sees and writes only this tenant's rows."""
        return self._sessions(info={**self.services, "tenant_id": tenant_id})

    def system_session(self) -> AsyncSession:
        """A session across tenants, for login, seeding and scheduled jobs; never for a request's own data."""
        return self._sessions(info={**self.services, "system": True})

    @asynccontextmanager
    async def transaction(self, tenant_id: uuid.UUID) -> AsyncIterator[AsyncSession]:
        """A tenant session that commits on success and rolls back on any error."""
        async with self.session(tenant_id) as session, session.begin():
            yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
