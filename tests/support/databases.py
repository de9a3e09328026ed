"""Creating, migrating and emptying the test databases."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from parley.core.db import Database
from parley.core.migrate import upgrade
from parley.models import Base


@dataclass(frozen=True)
class MigratedDatabase:
    """A migrated database of one backend."""

    backend: str
    url: str

    async def empty(self, db: Database) -> None:
        """Delete every row, keeping the schema: much faster than recreating it per test."""
        tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
        async with db.engine.begin() as connection:
            if self.backend == "postgresql":
                await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    await connection.execute(text(f"DELETE FROM {table}"))


async def recreate_postgres_database(url: str) -> None:
    """Drop and create the database named in the URL, through the server's maintenance database."""
    parsed = make_url(url)
    admin = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    await admin.dispose()


async def drop_postgres_database(url: str) -> None:
    """Drop the database named in the URL."""
    parsed = make_url(url)
    admin = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    await admin.dispose()


def prepare_database(backend: str, url: str) -> MigratedDatabase:
    """A fresh database with every migration applied, as a new deployment would have it."""
    if backend == "postgresql":
        asyncio.run(recreate_postgres_database(url))
    upgrade(url)
    return MigratedDatabase(backend=backend, url=url)
