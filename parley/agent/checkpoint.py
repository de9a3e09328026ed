"""Checkpointers: SQLite beside the embedded database, PostgreSQL when the database is PostgreSQL.

Either way a conversation's graph state is stored per thread (the conversation id), so any process can
resume any conversation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

__all__ = ["open_checkpointer", "psycopg_url"]

_ready: set[str] = set()


def psycopg_url(database_url: str) -> str:
    """The libpq URL psycopg wants, from the SQLAlchemy URL (any ``+driver`` removed)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@asynccontextmanager
async def open_checkpointer(database_url: str, data_dir: Path) -> AsyncIterator[Any]:
    """An open, set-up checkpointer for this deployment; closed when the block ends."""
    if make_url(database_url).get_backend_name() == "postgresql":
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        url = psycopg_url(database_url)
        async with AsyncPostgresSaver.from_conn_string(url) as saver:
            if url not in _ready:
                await saver.setup()
                _ready.add(url)
            yield saver
        return
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    data_dir.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(data_dir / "checkpoints.db")) as saver:
        await saver.setup()
        yield saver
