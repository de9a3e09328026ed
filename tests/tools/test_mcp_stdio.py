"""``parley mcp`` as a real subprocess: an MCP client over stdio lists the tools and reads the demo shop."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from sqlalchemy import select

from parley.core.db import Database
from parley.core.migrate import upgrade
from parley.demo.seed import DEMO_SLUG, seed_actor, seed_demo
from parley.identity.models import Tenant
from parley.identity.users import ApiKeyCreate, create_api_key


async def _seed_with_key(url: str) -> str:
    db = Database(url)
    try:
        await seed_demo(db)
        async with db.system_session() as session:
            tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == DEMO_SLUG))
        assert tenant_id is not None
        async with db.transaction(tenant_id) as session:
            data = ApiKeyCreate(name="mcp test", scopes=["products:read", "stock:read"])
            _, secret = await create_api_key(session, seed_actor(tenant_id), data=data)
    finally:
        await db.dispose()
    return secret


@pytest.fixture
def demo_database(tmp_path: Path) -> tuple[str, str]:
    """A migrated SQLite file with the demo shop, and an API key that may read products and stock."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'parley.db'}"
    upgrade(url)
    return url, asyncio.run(_seed_with_key(url))


@pytest.mark.slow
async def test_an_mcp_client_over_stdio_lists_the_tools_and_searches_the_demo_catalog(
    demo_database: tuple[str, str], tmp_path: Path
) -> None:
    url, key = demo_database
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "parley", "mcp"],
        env={"PARLEY_DATABASE_URL": url, "PARLEY_MCP_API_KEY": key, "PARLEY_ENVIRONMENT": "test"},
        cwd=tmp_path,
    )
    async with asyncio.timeout(30), Client(server) as client:
        listed = {tool.name for tool in (await client.list_tools()).tools}
        found = await client.call_tool("search_products", {"search": "twist drill 10"})
        refused = await client.call_tool("create_product", {"sku": "X", "name": "X", "price": "1"})

    assert {"search_products", "get_product", "check_stock"} <= listed
    assert "create_product" not in listed, "the key may only read"
    assert not found.is_error
    names = [item["name"] for item in json.loads(found.content[0].text)["items"]]
    assert "HSS-Co twist drill 10 mm DIN 338" in names
    assert refused.is_error
