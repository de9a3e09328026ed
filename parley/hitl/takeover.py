"""Staff taking a conversation over from the bot, writing in it, and handing it back.

While a conversation is ``handed_over`` the bot stays silent: customer messages are stored and wait for
staff. Staff messages are stored with role ``staff`` and announced with a ``conversation.staff_message``
event, which the channel workers send on the conversation's channel. Handing back reopens the conversation;
the agent then adds the messages exchanged meanwhile to its history (:meth:`AgentService.hand_back`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.conversations import service as conversations
from parley.agent.conversations.models import Conversation, Message
from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.errors import BusinessRuleViolated
from parley.core.events import emit_event
from parley.tools.approvals.models import Approval
from parley.tools.approvals.service import request_approval

__all__ = ["add_staff_message", "hand_back", "messages_since_takeover", "request_handover", "take_over"]


def _open(conversation: Conversation) -> None:
    if conversation.status == "closed":
        raise BusinessRuleViolated("the conversation is closed", code="BIZ_CONVERSATION_CLOSED")


def _audit(session: AsyncSession, actor: Actor, conversation: Conversation, action: str, before: str) -> None:
    record_audit(
        session,
        actor,
        action=f"conversation.{action}",
        entity_type="conversation",
        entity_id=conversation.id,
        before={"status": before},
        after={"status": conversation.status, "assigned_to_id": str(conversation.assigned_to_id or "")},
    )


async def take_over(
    session: AsyncSession, actor: Actor, conversation_id: uuid.UUID, *, now: datetime
) -> Conversation:
    """Silence the bot and give the conversation to this staff member (taking over twice is harmless)."""
    actor.require("conversations:write")
    conversation = await conversations.get_conversation(session, conversation_id)
    _open(conversation)
    before = conversation.status
    conversation.status, conversation.assigned_to_id, conversation.taken_over_at = (
        "handed_over",
        actor.id,
        now,
    )
    _audit(session, actor, conversation, "take_over", before)
    emit_event(
        session,
        "conversation.taken_over",
        entity_type="conversation",
        entity_id=conversation.id,
        payload={"by": actor.label},
    )
    await session.flush()
    return conversation


async def add_staff_message(
    session: AsyncSession, actor: Actor, conversation_id: uuid.UUID, *, text: str, now: datetime
) -> Message:
    """Record a staff member's message and announce it for the conversation's channel."""
    actor.require("conversations:write")
    conversation = await conversations.get_conversation(session, conversation_id)
    _open(conversation)
    if conversation.status != "handed_over":
        raise BusinessRuleViolated(
            "take the conversation over before writing in it, so the bot and you do not both answer",
            code="BIZ_NOT_TAKEN_OVER",
        )
    message = await conversations.add_message(
        session, conversation, role="staff", text=text, now=now, status="sent", author_id=actor.id
    )
    emit_event(
        session,
        "conversation.staff_message",
        entity_type="conversation",
        entity_id=conversation.id,
        payload={
            "conversation_id": conversation.id,
            "message_id": message.id,
            "channel": conversation.channel,
            "text": text,
            "by": actor.label,
        },
    )
    return message


async def messages_since_takeover(session: AsyncSession, conversation: Conversation) -> list[Message]:
    """The customer and staff messages exchanged while the bot was silent, oldest first."""
    statement = select(Message).where(
        Message.conversation_id == conversation.id, Message.role.in_(("customer", "staff"))
    )
    if conversation.taken_over_at is not None:
        statement = statement.where(Message.created_at >= conversation.taken_over_at)
    return list(await session.scalars(statement.order_by(Message.seq)))


async def hand_back(
    session: AsyncSession, actor: Actor, conversation_id: uuid.UUID, *, now: datetime
) -> tuple[Conversation, list[Message]]:
    """Give the conversation back to the bot; returns the messages it should add to its history."""
    actor.require("conversations:write")
    conversation = await conversations.get_conversation(session, conversation_id)
    _open(conversation)
    if conversation.status != "handed_over":
        raise BusinessRuleViolated("the bot has the conversation already", code="BIZ_NOT_TAKEN_OVER")
    exchanged = await messages_since_takeover(session, conversation)
    before = conversation.status
    conversation.status, conversation.assigned_to_id, conversation.taken_over_at = "open", None, None
    _audit(session, actor, conversation, "hand_back", before)
    emit_event(
        session,
        "conversation.handed_back",
        entity_type="conversation",
        entity_id=conversation.id,
        payload={"by": actor.label, "at": now},
    )
    await session.flush()
    return conversation, exchanged


async def request_handover(
    session: AsyncSession,
    actor: Actor,
    conversation_id: uuid.UUID,
    *,
    reason: str,
    now: datetime,
    guardrails: dict[str, Any] | None = None,
) -> Approval:
    """A pending ``handover_escalation`` for the conversation: the one already open, or a new one.

    ``guardrails`` (the turn's verdicts) go into the request, so staff see which check fired and why.
    """
    existing = await session.scalar(
        select(Approval).where(
            Approval.conversation_id == conversation_id,
            Approval.type == "handover_escalation",
            Approval.status == "pending",
        )
    )
    if existing is not None:
        return existing
    return await request_approval(
        session,
        actor,
        type_="handover_escalation",
        payload={"reason": reason, **({"guardrails": guardrails} if guardrails else {})},
        conversation_id=conversation_id,
        now=now,
    )
