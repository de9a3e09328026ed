"""The migrations build exactly the schema the models describe, with one head, on an empty database."""

from __future__ import annotations

import asyncio
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from parley.core.migrate import alembic_config, include_object, upgrade
from parley.models import Base
from tests.conftest import PG_URL
from tests.support.databases import MigratedDatabase, drop_postgres_database, recreate_postgres_database


def test_the_migrations_have_one_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()) == 1


async def test_the_models_and_the_migrations_agree(test_database: MigratedDatabase) -> None:
    engine = create_async_engine(test_database.url)

    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        differences = await connection.run_sync(diff)
    await engine.dispose()
    assert differences == []


def test_upgrade_head_works_on_an_empty_postgresql_database() -> None:
    url = PG_URL.rsplit("/", 1)[0] + f"/parley_migrate_{uuid.uuid4().hex[:8]}"
    asyncio.run(recreate_postgres_database(url))
    try:
        upgrade(url)

        async def tables() -> set[str]:
            engine = create_async_engine(url)
            async with engine.connect() as connection:
                names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            await engine.dispose()
            return names

        assert set(Base.metadata.tables) <= asyncio.run(tables())
    finally:
        asyncio.run(drop_postgres_database(url))
