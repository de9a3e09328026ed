"""The web chat's way out, over a real socket: tokens stream, the reply arrives once through the outbox, its
delivery is recorded, and a reconnecting stream resumes after what the page already has."""

from __future__ import annotations

import json
import queue
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from parley.demo.seed import DEMO_LOGINS, DEMO_PASSWORD
from parley.identity.roles import Role
from tests.support.live_server import LiveServer, serve

pytestmark = pytest.mark.backend("sqlite")

Event = tuple[str, str | None, dict[str, Any]]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve(tmp_path_factory.mktemp("webchat"), channel_burst_window_s=0.1)


class Stream:
    """The page's ``EventSource``: reads the SSE stream in a thread; each event is (name, id, data)."""

    def __init__(self, url: str, params: dict[str, str], headers: dict[str, str] | None = None) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self._client = httpx.Client(timeout=30)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(url, params, headers), daemon=True)
        self._thread.start()

    def _read(self, url: str, params: dict[str, str], headers: dict[str, str] | None) -> None:
        name, event_id = "", None
        try:
            with self._client.stream("GET", url, params=params, headers=headers) as response:
                for line in response.iter_lines():
                    if line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("id: "):
                        event_id = line[4:]
                    elif line.startswith("data: "):
                        self.events.put((name, event_id, json.loads(line[6:])))
                        name, event_id = "", None
        except httpx.HTTPError:
            if not self._closed.is_set():
                raise

    def close(self) -> None:
        """Leave the page: the connection closes and the server ends the stream."""
        self._closed.set()
        self._client.close()
        self._thread.join(timeout=5)


def _until_message(stream: Stream) -> tuple[list[Event], Event]:
    before: list[Event] = []
    while True:
        event = stream.events.get(timeout=20)
        if event[0] == "message":
            return before, event
        before.append(event)


def _delivery(http: httpx.Client, conversation_id: str, message_id: str) -> dict[str, Any]:
    admin = next(login.email for login in DEMO_LOGINS if login.role == Role.ADMIN)
    token = http.post("/api/v1/auth/login", json={"email": admin, "password": DEMO_PASSWORD}).json()
    headers = {"Authorization": f"Bearer {token['data']['access_token']}"}
    messages = http.get(f"/api/v1/conversations/{conversation_id}/messages", headers=headers).json()["data"]
    return next(m for m in messages if m["id"] == message_id)["delivery"]


def test_the_reply_streams_in_arrives_once_and_is_recorded_delivered_then_read(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        token = http.post("/api/v1/webchat/sessions", json={"business": "demo"}).json()["data"]["token"]
        conversation_id = str(uuid.UUID(token.split(".")[1]))
        events = Stream(f"{server.base_url}/api/v1/webchat/events", {"token": token})
        body = {"token": token, "text": "is HB-M8x40-88Z in stock?", "client_message_id": "abc12345"}
        assert http.post("/api/v1/webchat/messages", json=body).status_code == 202

        streamed, (_name, event_id, message) = _until_message(events)
        assert streamed and {name for name, _id, _data in streamed} == {"token"}
        assert "".join(data["text"] for _n, _i, data in streamed) == message["text"]
        assert "HB-M8x40-88Z" in message["text"] and message["role"] == "agent"
        assert event_id == message["id"]
        assert set(message) == {"id", "role", "text", "created_at"}

        delivery = _delivery(http, conversation_id, message["id"])
        assert delivery["status"] == "delivered"
        assert [step["status"] for step in delivery["history"]][:2] == ["pending", "sent"]
        read = http.post("/api/v1/webchat/read", json={"token": token, "message_id": message["id"]})
        assert read.status_code == 204
        assert _delivery(http, conversation_id, message["id"])["status"] == "read"

        # The page reloads: a new stream that already shows the first reply gets only what comes next.
        events.close()
        resumed = Stream(
            f"{server.base_url}/api/v1/webchat/events", {"token": token}, {"Last-Event-ID": message["id"]}
        )
        text = "do you have ball bearing BR-6305-ZZ?"
        body = {"token": token, "text": text, "client_message_id": "abc12346"}
        assert http.post("/api/v1/webchat/messages", json=body).status_code == 202
        _streamed, (_name, _id, second) = _until_message(resumed)
        resumed.close()
        assert second["id"] != message["id"] and "BR-6305-ZZ" in second["text"]


def test_a_message_of_another_chat_cannot_be_marked_read(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        token = http.post("/api/v1/webchat/sessions", json={}).json()["data"]["token"]
        body = {"token": token, "message_id": "00000000-0000-4000-8000-000000000000"}
        response = http.post("/api/v1/webchat/read", json=body)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "RES_NOT_FOUND"
