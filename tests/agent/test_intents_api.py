"""A business teaches the agent its customers' words: intents' example phrases through the API."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from parley.agent.conversations import service as conversations
from parley.agent.service import AgentService
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.agent.conftest import Shop
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")

SOAKED = {
    "en": [
        "the parcel arrived soaking wet",
        "your courier left my box in the rain",
        "water damage on delivery",
    ]
}


@pytest.fixture
async def manager(agent_client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(agent_client, tenants.emails[Role.SALES_MANAGER])


async def test_the_intents_are_listed_with_their_phrases(
    agent_client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    listed = (await agent_client.get("/api/v1/assistant/intents", headers=manager)).json()["data"]
    names = [item["intent"] for item in listed]
    assert {"greeting", "price_quote", "order_status", "complaint", "out_of_scope"} <= set(names)
    assert all(item["phrases"].get("en", 0) >= 3 and not item["customized"] for item in listed)
    complaint = (await agent_client.get("/api/v1/assistant/intents/complaint", headers=manager)).json()[
        "data"
    ]
    assert complaint["description"] and len(complaint["examples"]["en"]) == complaint["phrases"]["en"]


async def test_new_phrases_teach_this_business_agent_only_and_a_reset_brings_the_defaults_back(
    agent_client: httpx.AsyncClient,
    manager: dict[str, str],
    agent: AgentService,
    runtime: Runtime,
    shop: Shop,
    tenants: SeededTenants,
) -> None:
    async def intent_of(text: str) -> str | None:
        async with runtime.db.transaction(shop.tenant_id) as session:
            conversation = await conversations.create_conversation(session, None, channel="web")
        return (await agent.handle_message(shop.tenant_id, conversation.id, text)).intent

    assert await intent_of("my parcel arrived soaking wet!") != "complaint"
    put = await agent_client.put(
        "/api/v1/assistant/intents/complaint", json={"examples": SOAKED}, headers=manager
    )
    assert put.status_code == 200, put.text
    assert put.json()["data"]["customized"] is True and put.json()["data"]["examples"] == SOAKED

    assert await intent_of("my parcel arrived soaking wet!") == "complaint"

    other = await login(agent_client, tenants.other_admin_email)
    theirs = (await agent_client.get("/api/v1/assistant/intents/complaint", headers=other)).json()["data"]
    assert theirs["customized"] is False and "the parcel arrived soaking wet" not in theirs["examples"]["en"]

    reset = await agent_client.delete("/api/v1/assistant/intents/complaint", headers=manager)
    assert reset.status_code == 200 and reset.json()["data"]["customized"] is False
    assert "the parcel arrived soaking wet" not in reset.json()["data"]["examples"]["en"]


@pytest.mark.parametrize(
    ("intent", "body", "status"),
    [
        ("teleport", {"examples": {"en": ["a", "b", "c"]}}, 404),
        ("complaint", {"examples": {"en": ["only", "two"]}}, 422),
        ("complaint", {"examples": {"english": ["a", "b", "c"]}}, 422),
        ("complaint", {"examples": {"en": ["x" * 301, "b", "c"]}}, 422),
        ("complaint", {"phrases": ["a", "b", "c"]}, 422),
    ],
)
async def test_bad_phrases_are_refused_and_change_nothing(
    agent_client: httpx.AsyncClient, manager: dict[str, str], intent: str, body: dict, status: int
) -> None:
    response = await agent_client.put(f"/api/v1/assistant/intents/{intent}", json=body, headers=manager)
    assert response.status_code == status, response.text
    assert response.json()["success"] is False
    complaint = (await agent_client.get("/api/v1/assistant/intents/complaint", headers=manager)).json()[
        "data"
    ]
    assert complaint["customized"] is False


async def test_a_viewer_reads_the_phrases_but_cannot_change_them(
    agent_client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    viewer = await login(agent_client, tenants.emails[Role.VIEWER])
    assert (await agent_client.get("/api/v1/assistant/intents", headers=viewer)).status_code == 200
    refused = await agent_client.put(
        "/api/v1/assistant/intents/complaint", json={"examples": SOAKED}, headers=viewer
    )
    assert refused.status_code == 403


async def test_a_burst_of_edits_trains_the_first_and_the_last_phrases_only(
    agent: AgentService, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A customer's turn after the burst waits for two trainings at most, not one per edit."""
    from parley.agent import engine

    trained: list[str] = []

    def train(embedder: object, phrases: tuple[tuple[str, str, str], ...]) -> object:
        trained.append(phrases[0][0])
        time.sleep(0.2)
        return object()

    monkeypatch.setattr(engine, "train_intents", train)
    edits = [((f"edit {number}", "greeting", "en"),) for number in range(6)]
    first = agent.prepare_intents(shop.tenant_id, edits[0])
    while not trained:  # until its training is under way
        await asyncio.sleep(0.01)
    await asyncio.gather(first, *(agent.prepare_intents(shop.tenant_id, phrases) for phrases in edits[1:]))
    assert trained == ["edit 0", "edit 5"]
    await engine.intent_model(await agent.embedder(), edits[-1])
    assert trained == ["edit 0", "edit 5"]
