"""Web chat visitors: a public session per visitor, identified by a signed token instead of a staff login.

The token names the business and the conversation and is signed with the deployment's secret (HMAC-SHA256
from the standard library), so a visitor can only ever reach their own conversation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from parley.agent.conversations import service as conversations
from parley.core.db import Database
from parley.core.errors import AuthenticationFailed, NotFound
from parley.identity.models import Tenant

__all__ = ["ChatSession", "open_session", "read_token", "sign"]


@dataclass(frozen=True, slots=True)
class ChatSession:
    """A visitor's conversation and the token that reaches it."""

    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    token: str


def _mac(secret: str, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> str:
    digest = hmac.new(secret.encode(), f"webchat:{tenant_id}:{conversation_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def sign(secret: str, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> str:
    """The visitor's token for a conversation."""
    return f"{tenant_id.hex}.{conversation_id.hex}.{_mac(secret, tenant_id, conversation_id)}"


def read_token(secret: str, token: str) -> tuple[uuid.UUID, uuid.UUID]:
    """(tenant id, conversation id) of a valid token; 401 for anything else."""
    try:
        tenant_hex, conversation_hex, mac = token.split(".")
        tenant_id, conversation_id = uuid.UUID(tenant_hex), uuid.UUID(conversation_hex)
    except ValueError as exc:
        raise AuthenticationFailed("this chat session is not valid", code="AUTH_INVALID_CHAT_TOKEN") from exc
    if not hmac.compare_digest(mac, _mac(secret, tenant_id, conversation_id)):
        raise AuthenticationFailed("this chat session is not valid", code="AUTH_INVALID_CHAT_TOKEN")
    return tenant_id, conversation_id


async def open_session(db: Database, secret: str, *, business: str) -> ChatSession:
    """A new web conversation for a visitor of the business with this slug."""
    async with db.system_session() as session:
        tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == business))
    if tenant_id is None:
        raise NotFound("no such business")
    async with db.transaction(tenant_id) as session:
        conversation = await conversations.create_conversation(session, None, channel="web")
    return ChatSession(tenant_id, conversation.id, sign(secret, tenant_id, conversation.id))
