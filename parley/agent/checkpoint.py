"""Checkpointers: SQLite beside the embedded database, PostgreSQL when the database is PostgreSQL.

Either way a conversation's graph state is stored per thread (the conversation id), so any process can
resume any conversation.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

__all__ = ["GraphPerLoop", "open_checkpointer", "psycopg_url"]

_ready: set[str] = set()
_holders: set[asyncio.Task[None]] = set()  # a pending task is only weakly held by its loop


def psycopg_url(database_url: str) -> str:
    """The libpq URL psycopg wants, from the SQLAlchemy URL (any ``+driver`` removed)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@asynccontextmanager
async def open_checkpointer(database_url: str, data_dir: Path) -> AsyncIterator[Any]:
    """An open, set-up checkpointer for this deployment; closed when the block ends.

    PostgreSQL gets a small pool that checks each connection before use, so a checkpointer kept open for
    the life of the process survives a database restart.
    """
    if make_url(database_url).get_backend_name() == "postgresql":
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import AsyncConnectionPool

        url = psycopg_url(database_url)
        options = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=4,
            kwargs=options,
            check=AsyncConnectionPool.check_connection,
            open=False,
        )
        async with pool:
            saver = AsyncPostgresSaver(pool)
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


class GraphPerLoop:
    """A compiled graph over one checkpointer per event loop, opened on first use and shared by every turn.

    Opening a connection, setting up the tables and compiling the graph on every turn cost about 40 ms, and
    SQLite connections opened side by side by concurrent turns failed with "database is locked"; one shared
    connection serialises the writes instead. A connection belongs to the loop that opened it, so a process
    running several loops (tests, one ``asyncio.run`` after another) gets one per loop. Each is held open by
    a task of its loop, so it also closes when ``asyncio.run`` ends and cancels the loop's tasks.

    Args:
        database_url: The deployment's database; PostgreSQL gets the PostgreSQL checkpointer, else SQLite.
        data_dir: Where the SQLite checkpoint file lives.
        build: Compiles the graph over a checkpointer.

    """

    def __init__(self, database_url: str, data_dir: Path, build: Callable[[Any], Any]) -> None:
        self._database_url = database_url
        self._data_dir = data_dir
        self._build = build
        self._held: dict[asyncio.AbstractEventLoop, _Held] = {}

    async def get(self) -> Any:
        """The running loop's compiled graph; concurrent first callers wait for the same opening."""
        loop = asyncio.get_running_loop()
        for other in [other for other in self._held if other.is_closed()]:
            del self._held[other]  # closed when its loop cancelled the holding task
        held = self._held.get(loop)
        if held is None:
            held = self._held[loop] = _Held(loop.create_future(), asyncio.Event())
            task = loop.create_task(self._hold(held))
            _holders.add(task)
            task.add_done_callback(_holders.discard)
            held.task = task
        try:
            return await asyncio.shield(held.graph)
        except Exception:
            if self._held.get(loop) is held:
                del self._held[loop]  # the next turn tries again
            raise

    async def aclose(self) -> None:
        """Close the running loop's checkpointer; those of other loops close when their loops end."""
        held = self._held.pop(asyncio.get_running_loop(), None)
        self._held.clear()
        if held is not None and held.task is not None:
            held.release.set()
            await asyncio.gather(held.task, return_exceptions=True)

    async def _hold(self, held: _Held) -> None:
        try:
            async with open_checkpointer(self._database_url, self._data_dir) as saver:
                held.graph.set_result(self._build(saver))
                await held.release.wait()
        except Exception as error:  # reported to the turns waiting for the graph
            if not held.graph.done():
                held.graph.set_exception(error)
        finally:
            if not held.graph.done():
                held.graph.cancel()


@dataclass
class _Held:
    """One loop's graph (set once the checkpointer is open), the signal to close it and the task holding it."""

    graph: asyncio.Future[Any]
    release: asyncio.Event
    task: asyncio.Task[None] | None = None
