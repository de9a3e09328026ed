"""Channel accounts of a business (credentials in, masked out) and the messages inbox across channels."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from parley.agent.conversations import service as conversations
from parley.api.deps import ChannelsDep, RuntimeDep, SessionDep, require
from parley.api.envelope import ok
from parley.channels.accounts import AccountSecrets, create_account, get_account, mask, update_account
from parley.channels.models import ChannelAccount, InboundReceipt, OutboxMessage
from parley.channels.probe import probe_account
from parley.channels.whatsapp_out import SESSION_WINDOW
from parley.core.actor import Actor
from parley.core.errors import BusinessRuleViolated, NotFound

router = APIRouter(tags=["channels"])

Reader = Annotated[Actor, Depends(require("channels:read"))]
Writer = Annotated[Actor, Depends(require("channels:write"))]
InboxReader = Annotated[Actor, Depends(require("conversations:read"))]
InboxWriter = Annotated[Actor, Depends(require("conversations:write"))]
_PROVIDER = "^(whatsapp|telegram|email)$"
_CHANNEL = "^(whatsapp|telegram|email|web)$"


class AccountIn(BaseModel):
    """A provider account to connect; ``secrets`` are stored encrypted and never returned in full."""

    model_config = ConfigDict(extra="forbid")

    channel: str = Field(pattern=_PROVIDER)
    name: str = Field(min_length=1, max_length=120)
    address: str = Field(
        min_length=1, max_length=320, description="whatsapp:+E164, the bot's username, or the mailbox."
    )
    config: dict[str, Any] = Field(default_factory=dict)
    secrets: dict[str, str] = Field(default_factory=dict)
    enabled: bool = True


class AccountPatch(BaseModel):
    """Fields to change; named secrets are replaced, the others kept."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=120)
    enabled: bool | None = None
    config: dict[str, Any] | None = None
    secrets: dict[str, str] | None = None


class SendIn(BaseModel):
    """A staff message into an existing channel conversation, delivered by the outbox."""

    model_config = ConfigDict(extra="forbid")

    conversation_id: uuid.UUID
    text: str = Field("", max_length=10_000)
    template: dict[str, Any] | None = Field(
        None, description="WhatsApp outside the 24-hour window: {content_sid, variables}."
    )


def _account(row: ChannelAccount, vault: AccountSecrets) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "channel": row.channel,
        "name": row.name,
        "address": row.address,
        "enabled": row.enabled,
        "config": row.config,
        "secrets": {key: mask(value) for key, value in vault.open(row).items()},
        "created_at": row.created_at.isoformat(),
    }


@router.get("/api/v1/channels", summary="List channel accounts")
async def list_accounts(actor: Reader, session: SessionDep, runtime: RuntimeDep) -> dict[str, Any]:
    """Every connected WhatsApp number, Telegram bot and mailbox of this business, secrets masked."""
    vault = AccountSecrets.from_settings(runtime.settings)
    rows = (await session.scalars(select(ChannelAccount).order_by(ChannelAccount.created_at))).all()
    return ok([_account(row, vault) for row in rows])


@router.post("/api/v1/channels", status_code=201, summary="Connect a channel account")
async def connect(
    body: AccountIn, actor: Writer, session: SessionDep, runtime: RuntimeDep, channels: ChannelsDep
) -> dict[str, Any]:
    """Stores the credentials encrypted; the answer shows them masked."""
    vault = AccountSecrets.from_settings(runtime.settings)
    row = await create_account(session, actor, vault=vault, **body.model_dump())
    channels.accounts.forget()
    return ok(_account(row, vault))


@router.get("/api/v1/channels/{channel_id}", summary="Read a channel account")
async def read_account(
    channel_id: uuid.UUID, actor: Reader, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """One account, secrets masked."""
    return ok(
        _account(await get_account(session, channel_id), AccountSecrets.from_settings(runtime.settings))
    )


@router.patch("/api/v1/channels/{channel_id}", summary="Change, enable or disable a channel account")
async def change_account(
    channel_id: uuid.UUID,
    body: AccountPatch,
    actor: Writer,
    session: SessionDep,
    runtime: RuntimeDep,
    channels: ChannelsDep,
) -> dict[str, Any]:
    """A disabled account's webhooks answer 404 (within seconds in other processes); its replies are dead-lettered."""
    vault = AccountSecrets.from_settings(runtime.settings)
    row = await update_account(session, actor, channel_id, vault=vault, **body.model_dump(exclude_unset=True))
    channels.accounts.forget()
    return ok(_account(row, vault))


@router.post("/api/v1/channels/{channel_id}/test", summary="Test a channel account's credentials")
async def test_connection(
    channel_id: uuid.UUID, actor: Writer, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Twilio: fetch the account; Telegram: getMe; e-mail: IMAP login and SMTP NOOP. ``ok`` false says why."""
    row = await get_account(session, channel_id)
    secrets = AccountSecrets.from_settings(runtime.settings).open(row)
    result = await probe_account(row.channel, row.config, secrets)
    return ok({"id": str(row.id), "ok": result.ok, "detail": result.detail})


@router.post("/api/v1/messages/send", status_code=202, summary="Send a staff message on a channel")
async def send_message(
    body: SendIn, actor: InboxWriter, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Stored first, then delivered by the outbox; WhatsApp outside 24 hours needs a template."""
    conversation = await conversations.get_conversation(session, body.conversation_id)
    if not body.text and body.template is None:
        raise BusinessRuleViolated("send a text or a template", code="BIZ_EMPTY_MESSAGE")
    if conversation.channel == "whatsapp" and body.template is None:
        last = await session.scalar(
            select(func.max(InboundReceipt.received_at)).where(
                InboundReceipt.conversation_id == conversation.id
            )
        )
        if last is None or runtime.clock() - last >= SESSION_WINDOW:
            raise BusinessRuleViolated(
                "the customer last wrote over 24 hours ago: WhatsApp only allows an approved template now",
                code="BIZ_WHATSAPP_WINDOW_CLOSED",
            )
    message = await conversations.add_message(
        session,
        conversation,
        role="staff",
        text=body.text,
        now=runtime.clock(),
        status="sent_by_staff",
        entities={"template": body.template} if body.template else {},
    )
    return ok({"message_id": str(message.id), "conversation_id": str(conversation.id), "delivery": "pending"})


@router.get("/api/v1/messages", summary="Inbox: customer messages from every channel")
async def inbox(
    actor: InboxReader,
    session: SessionDep,
    channel: Annotated[str | None, Query(pattern=_CHANNEL)] = None,
    status: Annotated[str | None, Query(pattern="^(pending|processing|answered|failed|ignored)$")] = None,
    unread: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Newest first; ignored messages (auto-replies, bounces) are here too, with the reason."""
    statement = select(InboundReceipt).order_by(InboundReceipt.received_at.desc()).limit(limit)
    if channel:
        statement = statement.where(InboundReceipt.channel == channel)
    if status:
        statement = statement.where(InboundReceipt.status == status)
    if unread is not None:
        column = InboundReceipt.read_at
        statement = statement.where(column.is_(None) if unread else column.is_not(None))
    rows = (await session.scalars(statement)).all()
    return ok(
        [
            {
                "id": str(row.id),
                "channel": row.channel,
                "conversation_id": str(row.conversation_id) if row.conversation_id else None,
                "external_message_id": row.external_message_id,
                "text": row.text,
                "status": row.status,
                "ignored_reason": row.ignored_reason,
                "received_at": row.received_at.isoformat(),
                "read_at": row.read_at.isoformat() if row.read_at else None,
            }
            for row in rows
        ]
    )


@router.post("/api/v1/messages/{message_id}/read", summary="Mark an inbox message read")
async def mark_read(
    message_id: uuid.UUID, actor: InboxWriter, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Read by staff; the unread filter of the inbox leaves it out from now on."""
    row = await session.scalar(select(InboundReceipt).where(InboundReceipt.id == message_id))
    if row is None:
        raise NotFound("no such inbox message")
    row.read_at = row.read_at or runtime.clock()
    return ok({"id": str(row.id), "read_at": row.read_at.isoformat()})


@router.get("/api/v1/messages/stats", summary="Message counts per channel and delivery status")
async def stats(actor: InboxReader, session: SessionDep) -> dict[str, Any]:
    """Inbound per channel and status, outbound per channel and delivery status."""
    inbound = await session.execute(
        select(InboundReceipt.channel, InboundReceipt.status, func.count()).group_by(
            InboundReceipt.channel, InboundReceipt.status
        )
    )
    outbound = await session.execute(
        select(OutboxMessage.channel, OutboxMessage.status, func.count()).group_by(
            OutboxMessage.channel, OutboxMessage.status
        )
    )
    result: dict[str, Any] = {"inbound": {}, "outbound": {}}
    for key, rows in (("inbound", inbound), ("outbound", outbound)):
        for channel_name, status_name, count in rows.all():
            result[key].setdefault(channel_name, {})[status_name] = int(count)
    return ok(result)
