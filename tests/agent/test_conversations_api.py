"""The conversations API: open, list, read, send, stream, close, feedback, regenerate; and reply templates."""

from __future__ import annotations

import asyncio
import json

import httpx

from parley.identity.roles import Role
from tests.agent.conftest import Shop
from tests.support.tenants import SeededTenants, login


async def _admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


async def _open(client: httpx.AsyncClient, headers: dict[str, str], **body: object) -> str:
    response = await client.post("/api/v1/conversations", json={"channel": "web", **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]["id"]


async def _greeting(client: httpx.AsyncClient, headers: dict[str, str], text: str) -> httpx.Response:
    """The business's own wording of the English greeting."""
    return await client.post(
        "/api/v1/assistant/templates",
        json={"key": "greeting", "language": "en", "text": text},
        headers=headers,
    )


async def _reply_to_hello(client: httpx.AsyncClient, headers: dict[str, str], conversation: str) -> str:
    turn = await client.post(
        f"/api/v1/conversations/{conversation}/messages", json={"text": "hello"}, headers=headers
    )
    return turn.json()["data"]["response"]


def _events(raw: str) -> list[tuple[str, dict]]:
    found = []
    for block in raw.replace("\r\n", "\n").split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            found.append((lines["event"], json.loads(lines["data"])))
    return found


async def test_sending_a_message_returns_the_reply_with_its_analysis(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    conversation = await _open(agent_client, headers)
    response = await agent_client.post(
        f"/api/v1/conversations/{conversation}/messages",
        json={"text": "is BOLT-M8-40 in stock?"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert set(data) >= {"response", "intent", "confidence", "tool_calls", "guardrails", "status", "metrics"}
    assert "5000" in data["response"]
    assert data["intent"] == "stock_check"


async def test_conversations_are_listed_with_filters_and_page_pagination(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    for _ in range(3):
        await _open(agent_client, headers)
    await _open(agent_client, headers, channel="api", customer_id=str(shop.alice))
    page = (await agent_client.get("/api/v1/conversations?channel=web&limit=2", headers=headers)).json()
    assert len(page["data"]) == 2
    assert page["meta"]["pagination"]["total"] == 3
    assert page["meta"]["pagination"]["hasNext"] is True
    mine = (await agent_client.get(f"/api/v1/conversations?customer_id={shop.alice}", headers=headers)).json()
    assert [row["channel"] for row in mine["data"]] == ["api"]


async def test_messages_come_newest_first_with_a_cursor(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    conversation = await _open(agent_client, headers)
    for text in ("hello", "is BOLT-M8-40 in stock?"):
        await agent_client.post(
            f"/api/v1/conversations/{conversation}/messages", json={"text": text}, headers=headers
        )
    first = (
        await agent_client.get(f"/api/v1/conversations/{conversation}/messages?limit=3", headers=headers)
    ).json()
    assert [m["role"] for m in first["data"]] == ["agent", "customer", "agent"]
    assert first["meta"]["pagination"]["has_more"] is True
    cursor = first["meta"]["pagination"]["next_cursor"]
    rest = (
        await agent_client.get(
            f"/api/v1/conversations/{conversation}/messages?cursor={cursor}", headers=headers
        )
    ).json()
    assert [m["text"] for m in rest["data"]] == ["hello"]


async def test_a_closed_conversation_takes_no_more_messages(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    conversation = await _open(agent_client, headers)
    closed = await agent_client.post(f"/api/v1/conversations/{conversation}/close", headers=headers)
    assert closed.json()["data"]["status"] == "closed"
    refused = await agent_client.post(
        f"/api/v1/conversations/{conversation}/messages", json={"text": "hello"}, headers=headers
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "BIZ_CONVERSATION_CLOSED"


async def test_feedback_is_stored_on_the_agent_reply(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    conversation = await _open(agent_client, headers)
    turn = (
        await agent_client.post(
            f"/api/v1/conversations/{conversation}/messages", json={"text": "hi"}, headers=headers
        )
    ).json()["data"]
    response = await agent_client.post(
        f"/api/v1/conversations/{conversation}/messages/{turn['message_id']}/feedback",
        json={"rating": 2, "correction": "Say hello by name."},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["rating"] == 2
    refused = await agent_client.post(
        f"/api/v1/conversations/{conversation}/messages/{turn['reply_to_id']}/feedback",
        json={"rating": 5},
        headers=headers,
    )
    assert refused.status_code == 409


async def test_regenerate_answers_the_last_customer_message_again(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    conversation = await _open(agent_client, headers)
    url = f"/api/v1/conversations/{conversation}"
    first = (
        await agent_client.post(f"{url}/messages", json={"text": "is BOLT-M8-40 in stock?"}, headers=headers)
    ).json()
    again = (await agent_client.post(f"{url}/regenerate", headers=headers)).json()["data"]
    assert again["reply_to_id"] == first["data"]["reply_to_id"]
    assert again["message_id"] != first["data"]["message_id"]
    messages = (await agent_client.get(f"{url}/messages", headers=headers)).json()["data"]
    assert [m["status"] for m in messages if m["role"] == "agent"] == ["answered", "superseded"]


async def test_the_stream_sends_intent_tool_calls_tokens_and_the_final_message(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    conversation = await _open(agent_client, headers)
    response = await agent_client.get(
        f"/api/v1/conversations/{conversation}/stream",
        params={"message": "is BOLT-M8-40 in stock?"},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    names = [name for name, _data in events]
    assert names[0] == "intent" and "tool_call" in names and names[-1] == "message"
    tokens = "".join(data["text"] for name, data in events if name == "token")
    assert tokens == events[-1][1]["response"]
    latest = await agent_client.get(f"/api/v1/conversations/{conversation}/stream", headers=headers)
    assert _events(latest.text)[-1][1]["role"] == "agent"


async def test_a_stream_of_another_business_conversation_is_not_found(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    conversation = await _open(agent_client, headers)
    other = await login(agent_client, tenants.other_admin_email)
    response = await agent_client.get(
        f"/api/v1/conversations/{conversation}/stream", params={"message": "hi"}, headers=other
    )
    assert response.status_code == 404


async def test_concurrent_messages_are_answered_in_order_each_once(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    conversation = await _open(agent_client, headers)
    texts = [
        "hello",
        "is BOLT-M8-40 in stock?",
        "do you have 6061 aluminium plate 12 mm?",
        "and how much is it?",
    ]

    async def send(text: str, delay: float) -> dict:
        await asyncio.sleep(delay)
        url = f"/api/v1/conversations/{conversation}/messages"
        return (await agent_client.post(url, json={"text": text}, headers=headers)).json()["data"]

    replies = await asyncio.gather(*(send(text, 0.01 * i) for i, text in enumerate(texts)))
    assert len({reply["message_id"] for reply in replies}) == len(texts)
    messages = (
        await agent_client.get(f"/api/v1/conversations/{conversation}/messages", headers=headers)
    ).json()
    ordered = list(reversed(messages["data"]))
    questions = [m for m in ordered if m["role"] == "customer"]
    answers = [m for m in ordered if m["role"] == "agent"]
    assert sorted(m["text"] for m in questions) == sorted(texts)
    assert [a["reply_to_id"] for a in answers] == [q["id"] for q in questions]  # in order, each once
    assert all(q["status"] == "answered" for q in questions)


async def test_a_business_template_overrides_the_default_reply(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    created = await _greeting(agent_client, headers, "Welcome to the demo shop!")
    assert created.status_code == 201, created.text
    conversation = await _open(agent_client, headers)
    assert await _reply_to_hello(agent_client, headers, conversation) == "Welcome to the demo shop!"
    listed = (await agent_client.get("/api/v1/assistant/templates", headers=headers)).json()["data"]
    greeting = [row for row in listed if row["key"] == "greeting" and row["language"] == "en"]
    assert (
        greeting == [created.json()["data"] | {"default": False}]
        or greeting[0]["text"] == "Welcome to the demo shop!"
    )
    template_id = created.json()["data"]["id"]
    await agent_client.delete(f"/api/v1/assistant/templates/{template_id}", headers=headers)
    assert (await _reply_to_hello(agent_client, headers, conversation)).startswith("Hello!")


async def test_a_template_may_not_use_a_placeholder_no_tool_fills(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    response = await agent_client.post(
        "/api/v1/assistant/templates",
        json={"key": "stock", "language": "en", "text": "{available} left, ships in {days} days"},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "text"


async def test_a_template_that_would_break_or_bloat_a_reply_is_refused_when_written_and_changed(
    agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    headers = await _admin(agent_client, tenants)
    template_id = (await _greeting(agent_client, headers, "Welcome!")).json()["data"]["id"]
    for text in ("Welcome} to the shop", "Welcome {", "Welcome {}", "{greeting:>99999}", "{greeting!r}"):
        posted = await agent_client.post(
            "/api/v1/assistant/templates",
            json={"key": "goodbye", "language": "en", "text": text},
            headers=headers,
        )
        patched = await agent_client.patch(
            f"/api/v1/assistant/templates/{template_id}", json={"text": text}, headers=headers
        )
        assert (posted.status_code, patched.status_code) == (422, 422), text
        assert posted.json()["error"]["field"] == patched.json()["error"]["field"] == "text"
    kept = await agent_client.patch(
        f"/api/v1/assistant/templates/{template_id}", json={"text": "Welcome {{friend}}!"}, headers=headers
    )
    assert kept.json()["data"]["text"] == "Welcome {{friend}}!"
    conversation = await _open(agent_client, headers)
    assert await _reply_to_hello(agent_client, headers, conversation) == "Welcome {friend}!"
