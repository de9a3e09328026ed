"""A live Parley server for tests that need a real socket: uvicorn in a thread, the demo shop, the offline agent.

The server runs on its own event loop in its own thread, on a socket bound to a free localhost port, with a
fresh SQLite database and the fast hashing embedder, so no model is loaded and nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from parley.agent.service import AgentService
from parley.api.app import create_app
from parley.core.migrate import upgrade
from parley.core.settings import Settings
from parley.demo.seed import seed_demo
from parley.runtime import Runtime
from tests.fakes.embedder import HashingEmbedder

__all__ = ["LiveServer", "serve"]

_START_TIMEOUT_S = 30.0


class LiveServer(threading.Thread):
    """Parley served by uvicorn on ``base_url`` until ``stop()``."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(name="parley-live-server", daemon=True)
        self.settings = settings
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server: uvicorn.Server | None = None
        self.ready = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported by start_and_wait()
            self.error = exc
        finally:
            self.ready.set()

    async def _serve(self) -> None:
        embedder = HashingEmbedder()  # for the messages and the knowledge index alike: no model loads
        runtime = Runtime.build(self.settings, embedder=embedder)
        agent = AgentService(runtime, embedder=embedder)
        try:
            await seed_demo(runtime.db)
            app = create_app(runtime=runtime, agent=agent)
            config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
            self.server = uvicorn.Server(config)
            serving = asyncio.create_task(self.server.serve(sockets=[self.socket]))
            while not self.server.started and not serving.done():
                await asyncio.sleep(0.02)
            self.ready.set()
            await serving
        finally:
            await agent.aclose()
            await runtime.close()

    def start_and_wait(self) -> None:
        self.start()
        if not self.ready.wait(_START_TIMEOUT_S) or self.error or not (self.server and self.server.started):
            raise RuntimeError(f"the live server did not start: {self.error!r}")

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        self.join(timeout=10)
        self.socket.close()


def serve(data_dir: Path, **overrides: object) -> Iterator[LiveServer]:
    """Run a live server on a fresh database in ``data_dir`` until the generator is closed."""
    url = f"sqlite+aiosqlite:///{data_dir / 'parley.db'}"
    upgrade(url)
    settings = Settings(
        environment="test",
        database_url=url,
        data_dir=data_dir,
        rate_limit_default="100000/minute",
        _env_file=None,
        **overrides,
    )
    server = LiveServer(settings)
    server.start_and_wait()
    yield server
    server.stop()
