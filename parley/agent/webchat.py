"""Web chat visitors: a public session per visitor, identified by a signed token instead of a staff login.

The token names the business and the conversation and is signed with the deployment's secret (HMAC-SHA256
from the standard library), so a visitor can only ever reach their own conversation. Each business has one
``web`` channel account, created with its first session, so the web chat runs through the same inbound
pipeline and outbox as WhatsApp, Telegram and e-mail, and staff can disable it like any other channel.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from parley.agent.conversations import service as conversations
from parley.channels.inbound import Channel, InboundMessage, Sender
from parley.channels.models import ChannelAccount
from parley.core.clock import utcnow
from parley.core.db import Database
from parley.core.errors import AuthenticationFailed, Conflict, NotFound
from parley.identity.models import Tenant

__all__ = ["ChatSession", "open_session", "read_token", "sign", "visitor_message", "web_account"]


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


async def web_account(db: Database, tenant_id: uuid.UUID) -> ChannelAccount:
    """The business's web chat account, created on first use; 409 when staff disabled the web chat."""
    async with db.session(tenant_id) as session:
        account = await session.scalar(select(ChannelAccount).where(ChannelAccount.channel == Channel.WEB))
    if account is None:
        try:
            async with db.transaction(tenant_id) as session:
                slug = await session.scalar(select(Tenant.slug).where(Tenant.id == tenant_id))
                account = ChannelAccount(
                    channel=Channel.WEB, name="Web chat", address=f"web:{slug}", config={}
                )
                session.add(account)
        except IntegrityError:  # a concurrent first session created it
            return await web_account(db, tenant_id)
    if not account.enabled:
        raise Conflict("the web chat of this business is switched off", code="CHANNEL_DISABLED")
    return account


async def open_session(db: Database, secret: str, *, business: str) -> ChatSession:
    """A new web conversation for a visitor of the business with this slug."""
    async with db.system_session() as session:
        tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == business))
    if tenant_id is None:
        raise NotFound("no such business")
    account = await web_account(db, tenant_id)
    async with db.transaction(tenant_id) as session:
        conversation = await conversations.create_conversation(session, None, channel=Channel.WEB)
        conversation.external_id = str(conversation.id)
        conversation.external_ids = {"account_id": str(account.id), "recipient": str(conversation.id)}
    return ChatSession(tenant_id, conversation.id, sign(secret, tenant_id, conversation.id))


def visitor_message(
    tenant_id: uuid.UUID, conversation_id: uuid.UUID, text: str, client_message_id: str | None
) -> InboundMessage:
    """The pipeline's view of a visitor's message; the page's own id makes a resent POST a duplicate."""
    return InboundMessage(
        tenant_id=tenant_id,
        channel=Channel.WEB,
        external_conversation_id=str(conversation_id),
        external_message_id=client_message_id or uuid.uuid4().hex,
        sender=Sender(id=str(conversation_id)),
        text=text,
        timestamp=utcnow(),
    )
