"""Shared fixtures: every storage test runs on SQLite and PostgreSQL, time is controllable, the network is closed.

``PARLEY_TEST_BACKENDS`` (default ``sqlite,postgresql``) picks the database backends; ``PARLEY_TEST_PG_URL``
points at the PostgreSQL server (default the local trust-auth server) and ``PARLEY_TEST_REDIS_URL`` at Redis.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from parley.api.app import create_app
from parley.core.clock import utcnow
from parley.core.settings import Settings
from parley.runtime import Runtime
from tests.fakes.embedder import HashingEmbedder
from tests.support.databases import MigratedDatabase, drop_postgres_database, prepare_database
from tests.support.tenants import SeededTenants, seed_tenants

BACKENDS = [name.strip() for name in os.environ.get("PARLEY_TEST_BACKENDS", "sqlite,postgresql").split(",")]
# Each test session gets its own database, so parallel runs (two checkouts, CI and a developer) never collide.
PG_URL = (
    os.environ.get("PARLEY_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432")
    + f"/parley_test_{os.getpid()}"
)
# Parallel workers (pytest-xdist) each get their own Redis database, so counters and locks never mix.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL", "redis://127.0.0.1:6379") + f"/{15 - _WORKER % 8}"


def _is_local(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return True


@pytest.fixture(autouse=True, scope="session")
def _closed_network() -> Iterator[None]:
    """No test reaches beyond this machine: no model hub, no LLM API, no provider."""
    original = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if not _is_local(address):
            raise ConnectionRefusedError(f"tests may not connect to {address!r}")
        return original(self, address)

    socket.socket.connect = guarded  # type: ignore[method-assign]
    yield
    socket.socket.connect = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Argon2 with its cheapest parameters: the tests check behaviour, not the cost of guessing passwords."""
    from argon2 import PasswordHasher

    from parley.demo import seed
    from parley.identity import secrets

    original = secrets._hasher
    secrets._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    seed.demo_password_hash.cache_clear()
    yield
    secrets._hasher = original
    seed.demo_password_hash.cache_clear()


class Clock:
    """A clock tests can move forward."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


_PREPARED: dict[str, MigratedDatabase] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``@pytest.mark.backend("sqlite")`` runs a test on the named backends only.

    For behaviour above the data layer (the agent, channels, evals), where running the same test on a
    second database checks nothing new and doubles its time.
    """
    kept, dropped = [], []
    for item in items:
        marker = item.get_closest_marker("backend")
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("test_database") if callspec is not None else None
        (dropped if marker and backend and backend not in marker.args else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session", params=BACKENDS)
def test_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> MigratedDatabase:
    """A migrated database per backend, made once per test process (emptied between tests)."""
    backend: str = request.param
    if backend not in _PREPARED:
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'parley.db'}"
        elif backend == "postgresql":
            url = PG_URL
        else:
            raise pytest.UsageError(f"unknown backend {backend}")
        _PREPARED[backend] = prepare_database(backend, url)
    return _PREPARED[backend]


@pytest.fixture(autouse=True, scope="session")
def _drop_databases_at_the_end() -> Iterator[None]:
    yield
    if "postgresql" in _PREPARED:
        asyncio.run(drop_postgres_database(_PREPARED["postgresql"].url))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(test_database: MigratedDatabase, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=test_database.url,
        data_dir=tmp_path,
        rate_limit_default="100000/minute",
        rate_limit_login="100000/minute",
        _env_file=None,
    )


@pytest.fixture
async def runtime(
    settings: Settings, clock: Clock, test_database: MigratedDatabase
) -> AsyncIterator[Runtime]:
    built = Runtime.build(settings, clock=clock, embedder=HashingEmbedder())
    await test_database.empty(built.db)
    yield built
    await built.close()


@pytest.fixture
async def tenants(runtime: Runtime) -> SeededTenants:
    """The demo tenant with one login per role, and a second tenant with its own admin."""
    return await seed_tenants(runtime.db)


@pytest.fixture
async def demo_shop(runtime: Runtime, tenants: SeededTenants) -> SeededTenants:
    """The tenants, with the demo shop's catalog, stock, customers and help content in the demo tenant."""
    from parley.demo.seed import seed_demo

    await seed_demo(runtime.db)
    return tenants


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(runtime=runtime)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
