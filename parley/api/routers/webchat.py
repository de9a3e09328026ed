"""The public web chat: the page, the embeddable widget, and the visitor's endpoints (no staff login).

Visitors authenticate with the signed token of their chat session; the rate-limit middleware covers these
routes like every other ``/api/`` route. Messages go in by POST through the channel pipeline (dedupe, bursts,
takeover) and replies come out through the outbox on a server-sent events stream, as on any other channel.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from parley.agent import webchat
from parley.agent.conversations import service as conversations
from parley.agent.conversations.models import Message
from parley.agent.conversations.schemas import MessageOut
from parley.api.deps import AgentDep, ChannelsDep, RuntimeDep
from parley.api.envelope import ok
from parley.api.streaming import visitor_stream
from parley.channels.inbound import Channel, DeliveryStatus, DeliveryStatusEvent
from parley.core.errors import NotFound
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
    """A visitor's message; the page's own id for it makes a resent POST harmless."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=200)
    text: str = Field(min_length=1, max_length=4000)
    client_message_id: str | None = Field(
        None,
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Set by the page; a second POST with the same id is recognised and not answered again.",
    )


class ReadIn(BaseModel):
    """The page showed the visitor this message."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=200)
    message_id: uuid.UUID


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


@router.post("/messages", status_code=202, summary="Send a visitor message")
async def send(body: ChatMessageIn, runtime: RuntimeDep, channels: ChannelsDep) -> dict[str, Any]:
    """Stored before this answers; the reply comes on ``/events`` (several quick messages get one reply)."""
    tenant_id, conversation_id = webchat.read_token(_secret(runtime), body.token)
    account = await webchat.web_account(runtime.db, tenant_id)
    inbound = webchat.visitor_message(tenant_id, conversation_id, body.text, body.client_message_id)
    received = await channels.pipeline.receive(account, inbound)
    return ok({"conversation_id": str(conversation_id), "duplicate": received.duplicate})


@router.get("/events", summary="The replies of the visitor's conversation (SSE)")
async def events(
    request: Request,
    runtime: RuntimeDep,
    agent: AgentDep,
    channels: ChannelsDep,
    token: Token,
    after: Annotated[uuid.UUID | None, Query(description="The last message the page already shows.")] = None,
) -> Any:
    """Events ``token`` (a reply being written) and ``message`` (a reply or a staff message, sent)."""
    tenant_id, conversation_id = webchat.read_token(_secret(runtime), token)
    return visitor_stream(agent, channels.outbox, tenant_id, conversation_id, after, request)


@router.post("/read", status_code=204, summary="The visitor has seen a message")
async def read(body: ReadIn, runtime: RuntimeDep, channels: ChannelsDep) -> None:
    """Records ``read`` on the message's delivery, as WhatsApp's read receipts do."""
    tenant_id, conversation_id = webchat.read_token(_secret(runtime), body.token)
    async with runtime.db.session(tenant_id) as session:
        message = await session.get(Message, body.message_id)
    event = DeliveryStatusEvent(
        channel=Channel.WEB,
        external_message_id=str(body.message_id),
        status=DeliveryStatus.READ,
        provider_status="shown on the page",
        timestamp=runtime.clock(),
    )
    mine = message is not None and message.conversation_id == conversation_id
    if not mine or not await channels.outbox.apply_status(event):
        raise NotFound("no such message in this chat", field="message_id")


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
