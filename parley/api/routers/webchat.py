"""The public web chat: the page, the embeddable widget, and the visitor's endpoints (no staff login).

Visitors authenticate with the signed token of their chat session; the rate-limit middleware covers these
routes like every other ``/api/`` route.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from parley.agent import webchat
from parley.agent.conversations import service as conversations
from parley.agent.conversations.schemas import MessageOut
from parley.api.deps import AgentDep, RuntimeDep
from parley.api.envelope import ok
from parley.api.streaming import turn_stream
from parley.demo.seed import DEMO_SLUG

router = APIRouter(prefix="/api/v1/webchat", tags=["web chat"])
pages = APIRouter(include_in_schema=False)

_STATIC = Path(__file__).resolve().parent.parent / "static"
Token = Annotated[str, Query(min_length=10, max_length=200, description="The chat session's token.")]


class SessionIn(BaseModel):
    """Which business the visitor chats with (the demo business by default)."""

    model_config = ConfigDict(extra="forbid")

    business: str = Field(DEMO_SLUG, min_length=1, max_length=64)


class ChatMessageIn(BaseModel):
    """A visitor's message."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=200)
    text: str = Field(min_length=1, max_length=4000)


def _secret(runtime: Any) -> str:
    return runtime.settings.jwt_secret.get_secret_value()


@router.post("/sessions", status_code=201, summary="Start a web chat session")
async def start(runtime: RuntimeDep, body: SessionIn | None = None) -> dict[str, Any]:
    """A new conversation for a visitor; keep the token (the page stores it in localStorage)."""
    chat = await webchat.open_session(runtime.db, _secret(runtime), business=(body or SessionIn()).business)
    return ok({"conversation_id": str(chat.conversation_id), "token": chat.token})


@router.get("/messages", summary="The visitor's conversation so far")
async def history(runtime: RuntimeDep, token: Token) -> dict[str, Any]:
    """Oldest first, the last 100 messages, staff-only fields left out."""
    tenant_id, conversation_id = webchat.read_token(_secret(runtime), token)
    async with runtime.db.session(tenant_id) as session:
        conversation = await conversations.get_conversation(session, conversation_id)
        rows = await conversations.recent_messages(session, conversation_id, limit=100)
    items = [
        {
            key: value
            for key, value in MessageOut.model_validate(row).model_dump(mode="json").items()
            if key in ("id", "role", "text", "status", "created_at")
        }
        for row in rows
        if row.role in ("customer", "agent", "staff") and row.status != "superseded"
    ]
    return ok({"conversation_id": str(conversation_id), "status": conversation.status, "messages": items})


@router.post("/messages", summary="Send a visitor message and get the reply")
async def send(body: ChatMessageIn, runtime: RuntimeDep, agent: AgentDep) -> dict[str, Any]:
    """The reply without the staff-only details (tool calls, metrics)."""
    tenant_id, conversation_id = webchat.read_token(_secret(runtime), body.token)
    turn = await agent.handle_message(tenant_id, conversation_id, body.text)
    return ok({"message_id": str(turn.message_id), "response": turn.response, "status": turn.status})


@router.get("/stream", summary="Send a visitor message and stream the reply (SSE)")
async def stream(
    request: Request,
    runtime: RuntimeDep,
    agent: AgentDep,
    token: Token,
    message: Annotated[str, Query(min_length=1, max_length=4000)],
) -> Any:
    """Events ``token`` (reply chunks), ``intent``, ``tool_call``, ``message`` (final) and ``error``."""
    tenant_id, conversation_id = webchat.read_token(_secret(runtime), token)
    return turn_stream(agent, tenant_id, conversation_id, message, request, public=True)


@pages.get("/chat")
async def chat_page() -> FileResponse:
    """The web chat page."""
    return FileResponse(_STATIC / "chat.html", media_type="text/html")


@pages.get("/chat/chat.js")
async def chat_script() -> FileResponse:
    """The page's script."""
    return FileResponse(_STATIC / "chat.js", media_type="text/javascript")


@pages.get("/chat/widget.js")
async def widget_script() -> FileResponse:
    """Add ``<script src=".../chat/widget.js"></script>`` to any page for a chat button."""
    return FileResponse(_STATIC / "widget.js", media_type="text/javascript")
