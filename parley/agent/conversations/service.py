"""Conversation records: open, list, read, append messages, close, feedback. No FastAPI, no LangGraph."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.conversations.models import Conversation, Message
from parley.core.actor import Actor
from parley.core.clock import utcnow
from parley.core.errors import BusinessRuleViolated, NotFound
from parley.tools.customers.models import Customer

__all__ = [
    "add_message",
    "close_conversation",
    "conversation_query",
    "create_conversation",
    "get_conversation",
    "get_message",
    "last_customer_message",
    "message_query",
    "recent_messages",
    "set_feedback",
]


async def create_conversation(
    session: AsyncSession,
    actor: Actor | None,
    *,
    channel: str = "web",
    customer_id: uuid.UUID | None = None,
    external_id: str | None = None,
) -> Conversation:
    """Open a conversation; a customer id must be one of this business's customers."""
    if actor is not None:
        actor.require("conversations:write")
    if customer_id is not None and await session.get(Customer, customer_id) is None:
        raise NotFound("no such customer", field="customer_id")
    conversation = Conversation(
        channel=channel, customer_id=customer_id, external_id=external_id, external_ids={}, status="open"
    )
    session.add(conversation)
    await session.flush()
    return conversation


def conversation_query(
    *, channel: str | None = None, status: str | None = None, customer_id: uuid.UUID | None = None
) -> Select[Any]:
    """Conversations filtered by channel, status and customer (the caller sorts and paginates)."""
    statement = select(Conversation)
    if channel:
        statement = statement.where(Conversation.channel == channel)
    if status:
        statement = statement.where(Conversation.status == status)
    if customer_id:
        statement = statement.where(Conversation.customer_id == customer_id)
    return statement


async def get_conversation(session: AsyncSession, conversation_id: uuid.UUID) -> Conversation:
    """One conversation of this business (404 otherwise)."""
    conversation = await session.scalar(select(Conversation).where(Conversation.id == conversation_id))
    if conversation is None:
        raise NotFound("no such conversation")
    return conversation


async def get_message(session: AsyncSession, conversation_id: uuid.UUID, message_id: uuid.UUID) -> Message:
    """One message of one conversation (404 otherwise)."""
    message = await session.scalar(
        select(Message).where(Message.id == message_id, Message.conversation_id == conversation_id)
    )
    if message is None:
        raise NotFound("no such message")
    return message


async def add_message(
    session: AsyncSession,
    conversation: Conversation,
    *,
    role: str,
    text: str,
    now: datetime | None = None,
    **fields: Any,
) -> Message:
    """Append a message; ``seq`` orders a conversation's messages even when clocks tie."""
    moment = now or utcnow()
    # Set before the query below flushes, so the conversation's pending changes go out in one UPDATE.
    conversation.last_message_at = moment
    last = await session.scalar(
        select(func.max(Message.seq)).where(Message.conversation_id == conversation.id)
    )
    message = Message(
        conversation_id=conversation.id,
        role=role,
        text=text,
        seq=int(last or 0) + 1,
        created_at=moment,
        entities=fields.pop("entities", {}),
        tool_calls=fields.pop("tool_calls", []),
        guardrails=fields.pop("guardrails", {}),
        metrics=fields.pop("metrics", {}),
        **fields,
    )
    session.add(message)
    await session.flush()
    return message


async def last_customer_message(session: AsyncSession, conversation_id: uuid.UUID) -> Message:
    """The latest customer message, which regenerate answers again."""
    message = await session.scalar(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.role == "customer")
        .order_by(Message.seq.desc())
        .limit(1)
    )
    if message is None:
        raise BusinessRuleViolated(
            "the conversation has no customer message to answer", code="BIZ_NO_MESSAGE"
        )
    return message


async def count_messages(session: AsyncSession, conversation_id: uuid.UUID, *, role: str) -> int:
    """How many messages of this role the conversation has."""
    count = await session.scalar(
        select(func.count(Message.id)).where(Message.conversation_id == conversation_id, Message.role == role)
    )
    return int(count or 0)


async def recent_messages(
    session: AsyncSession, conversation_id: uuid.UUID, limit: int = 20
) -> list[Message]:
    """The last messages, oldest first (the LLM engine's history)."""
    rows = list(
        await session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.seq.desc())
            .limit(limit)
        )
    )
    return rows[::-1]


async def close_conversation(
    session: AsyncSession, actor: Actor | None, conversation_id: uuid.UUID
) -> Conversation:
    """Close a conversation; closing twice is harmless."""
    if actor is not None:
        actor.require("conversations:write")
    conversation = await get_conversation(session, conversation_id)
    conversation.status = "closed"
    await session.flush()
    return conversation


async def set_feedback(
    session: AsyncSession,
    actor: Actor | None,
    conversation_id: uuid.UUID,
    message_id: uuid.UUID,
    *,
    rating: int,
    correction: str | None,
) -> Message:
    """Rate an agent reply (1-5) and optionally say what it should have said."""
    if actor is not None:
        actor.require("conversations:write")
    message = await get_message(session, conversation_id, message_id)
    if message.role != "agent":
        raise BusinessRuleViolated("only agent replies take feedback", code="BIZ_NOT_AN_AGENT_REPLY")
    message.rating = rating
    message.correction = correction
    await session.flush()
    return message


def message_query(conversation_id: uuid.UUID) -> Select[Any]:
    """A conversation's messages (the caller orders and paginates)."""
    return select(Message).where(Message.conversation_id == conversation_id)
