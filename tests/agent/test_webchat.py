"""The web chat page, its widget, and the public endpoints its script calls."""

from __future__ import annotations

import json

import httpx

from tests.agent.conftest import Shop


def _events(raw: str) -> list[tuple[str, dict]]:
    found = []
    for block in raw.replace("\r\n", "\n").split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            found.append((lines["event"], json.loads(lines["data"])))
    return found


async def test_the_chat_page_and_its_scripts_load(agent_client: httpx.AsyncClient) -> None:
    page = await agent_client.get("/chat")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script src="/chat/chat.js"></script>' in page.text
    script = await agent_client.get("/chat/chat.js")
    assert script.status_code == 200 and "/api/v1/webchat" in script.text and "localStorage" in script.text
    widget = await agent_client.get("/chat/widget.js")
    assert widget.status_code == 200 and "iframe" in widget.text


async def test_a_visitor_chats_without_a_login_and_gets_the_history_back(
    agent_client: httpx.AsyncClient, shop: Shop
) -> None:
    started = await agent_client.post("/api/v1/webchat/sessions", json={"business": "demo"})
    assert started.status_code == 201, started.text
    token = started.json()["data"]["token"]
    reply = await agent_client.post(
        "/api/v1/webchat/messages", json={"token": token, "text": "is BOLT-M8-40 in stock?"}
    )
    assert reply.status_code == 200, reply.text
    assert "5000" in reply.json()["data"]["response"]
    assert "tool_calls" not in reply.json()["data"]
    streamed = await agent_client.get(
        "/api/v1/webchat/stream", params={"token": token, "message": "thanks, bye"}
    )
    events = _events(streamed.text)
    assert {name for name, _data in events} == {"token", "message"}
    assert set(events[-1][1]) == {"conversation_id", "message_id", "reply_to_id", "response", "status"}
    history = (await agent_client.get("/api/v1/webchat/messages", params={"token": token})).json()["data"]
    assert [m["role"] for m in history["messages"]] == ["customer", "agent", "customer", "agent"]


async def test_a_forged_chat_token_is_refused(agent_client: httpx.AsyncClient, shop: Shop) -> None:
    token = (await agent_client.post("/api/v1/webchat/sessions", json={})).json()["data"]["token"]
    tenant, conversation, _mac = token.split(".")
    forged = f"{tenant}.{conversation}.{'A' * 43}"
    response = await agent_client.get("/api/v1/webchat/messages", params={"token": forged})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_INVALID_CHAT_TOKEN"


async def test_the_web_chat_endpoints_are_rate_limited(agent_client: httpx.AsyncClient, shop: Shop) -> None:
    response = await agent_client.post("/api/v1/webchat/sessions", json={})
    assert "X-RateLimit-Limit" in response.headers
