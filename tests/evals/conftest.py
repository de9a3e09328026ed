"""One seeded shop for every eval test: the demo business plus the τ² products the replay tests need.

Building it (migrations, seeding, indexing) is most of these tests' time, so it is built once per session.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from parley.core.settings import Settings
from parley.evals.sandbox import ShopTemplate
from parley.evals.tau2 import Tau2Data, footprint, import_catalog
from tests.fakes.embedder import HashingEmbedder

TAU2 = Path("/work/shared/data/tau2_retail")
# An exchange (0), a return (2), and a refused exchange followed by an item change (64).
TAU2_TASKS = ("0", "2", "64")


@pytest.fixture(scope="session")
def tau2() -> Tau2Data | None:
    """The τ² retail data, when this machine has it."""
    return Tau2Data.load(TAU2) if (TAU2 / "tasks.json").exists() else None


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory, tau2: Tau2Data | None) -> ShopTemplate:
    """The shop every scenario and replay copies (hashing embedder: fast, and no model to load)."""
    products = set()
    if tau2 is not None:
        products = set().union(*(footprint(tau2.db, tau2.task(t)).products for t in TAU2_TASKS))
    catalog = {"products": {pid: tau2.db["products"][pid] for pid in products}} if tau2 else {"products": {}}
    built = ShopTemplate(
        tmp_path_factory.mktemp("evals"),
        Settings(environment="test", llm_base_url=None, _env_file=None),
        HashingEmbedder(),
        extra=lambda runtime, tenant_id: import_catalog(runtime, tenant_id, catalog),
    )
    asyncio.run(built.tenant_id())
    return built
