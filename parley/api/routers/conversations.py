"""Conversation routes: open, list, read, send a message (a turn), stream, close, feedback, regenerate.

Staff can also take a conversation over, write in it, see the bot's suggested reply and hand it back.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.conversations import service
from parley.agent.conversations.models import Conversation, Message
from parley.agent.conversations.schemas import (
    ConversationIn,
    ConversationOut,
    FeedbackIn,
    MessageIn,
    MessageOut,
    StaffMessageIn,
)
from parley.api.deps import AgentDep, RuntimeDep, SessionDep, require
from parley.api.envelope import ok
from parley.api.listing import cursor_params, list_params
from parley.api.streaming import latest_stream, turn_stream
from parley.channels.models import OutboxMessage
from parley.core.actor import Actor
from parley.core.listing import CursorParams, ListParams, apply_sort, paginate, paginate_cursor, sparse
from parley.hitl import takeover

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])

Reader = Annotated[Actor, Depends(require("conversations:read"))]
Writer = Annotated[Actor, Depends(require("conversations:write"))]
_SORT = {
    "created_at": Conversation.created_at,
    "updated_at": Conversation.updated_at,
    "last_message_at": Conversation.last_message_at,
}


def _conversation(row: Conversation) -> dict[str, Any]:
    return ConversationOut.model_validate(row).model_dump(mode="json")


def _message(row: Message) -> dict[str, Any]:
    return MessageOut.model_validate(row).model_dump(mode="json")


@router.post("", status_code=201, summary="Open a conversation")
async def open_conversation(body: ConversationIn, actor: Writer, session: SessionDep) -> dict[str, Any]:
    """A new conversation (web chat by default), optionally for a known customer."""
    row = await service.create_conversation(
        session, actor, channel=body.channel, customer_id=body.customer_id, external_id=body.external_id
    )
    return ok(_conversation(row))


@router.get("", summary="List conversations")
async def list_conversations(
    actor: Reader,
    session: SessionDep,
    params: Annotated[ListParams, Depends(list_params)],
    channel: Annotated[str | None, Query(pattern="^(web|whatsapp|telegram|email|api)$")] = None,
    status: Annotated[str | None, Query(pattern="^(open|closed|handed_over|pending_approval)$")] = None,
    customer_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Filter by channel, status and customer; newest activity first by default."""
    statement = service.conversation_query(channel=channel, status=status, customer_id=customer_id)
    statement = apply_sort(statement, params.sort, _SORT, default="-created_at")
    rows, info = await paginate(session, statement, params)
    return ok([sparse(_conversation(row), params.fields) for row in rows], pagination=info)


@router.get("/{conversation_id}", summary="Get a conversation")
async def read_conversation(conversation_id: uuid.UUID, actor: Reader, session: SessionDep) -> dict[str, Any]:
    """One conversation."""
    return ok(_conversation(await service.get_conversation(session, conversation_id)))


@router.get("/{conversation_id}/messages", summary="List a conversation's messages")
async def list_messages(
    conversation_id: uuid.UUID,
    actor: Reader,
    session: SessionDep,
    params: Annotated[CursorParams, Depends(cursor_params)],
) -> dict[str, Any]:
    """Newest first, cursor-paginated: pass ``next_cursor`` back as ``cursor`` for older messages."""
    await service.get_conversation(session, conversation_id)
    statement = service.message_query(conversation_id)
    rows, info = await paginate_cursor(
        session, statement, params, created_at=Message.created_at, row_id=Message.seq
    )
    deliveries = await _deliveries(session, [row.id for row in rows])
    return ok([{**_message(row), "delivery": deliveries.get(row.id)} for row in rows], pagination=info)


async def _deliveries(session: AsyncSession, message_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """How far each outgoing message got on its channel (none for customer messages and API conversations)."""
    if not message_ids:
        return {}
    rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.message_id.in_(message_ids)))
    return {
        row.message_id: {
            "status": row.status,
            "attempts": row.attempts,
            "provider_message_id": row.provider_message_id,
            "last_error": row.last_error,
            "history": row.history,
        }
        for row in rows
    }


@router.post("/{conversation_id}/messages", summary="Send a customer message and get the reply")
async def post_message(
    conversation_id: uuid.UUID, body: MessageIn, actor: Writer, agent: AgentDep
) -> dict[str, Any]:
    """Run one turn, after any turn already running in this conversation.

    The reply comes with intent, confidence, tool calls, guardrail results, status and metrics.
    """
    turn = await agent.handle_message(actor.tenant_id, conversation_id, body.text)
    return ok(turn.model_dump(mode="json"))


@router.get("/{conversation_id}/stream", summary="Stream a conversation's events (SSE)")
async def stream(
    conversation_id: uuid.UUID,
    request: Request,
    actor: Reader,
    session: SessionDep,
    agent: AgentDep,
    message: Annotated[str | None, Query(min_length=1, max_length=4000)] = None,
    follow: bool = False,
) -> Any:
    """Server-sent events ``token``, ``intent``, ``tool_call``, ``message`` (final) and ``error``.

    With ``message`` the stream runs that turn and ends after its ``message`` event. With ``follow=true`` it
    stays open and relays every turn of the conversation as it happens. With neither it sends the latest
    message and ends.
    """
    await service.get_conversation(session, conversation_id)
    if message is not None:
        actor.require("conversations:write")
    elif not follow:
        latest = await service.recent_messages(session, conversation_id, limit=1)
        return latest_stream(_message(latest[0]) if latest else None)
    return turn_stream(agent, actor.tenant_id, conversation_id, message, request)


@router.post("/{conversation_id}/close", summary="Close a conversation")
async def close(conversation_id: uuid.UUID, actor: Writer, session: SessionDep) -> dict[str, Any]:
    """Closed conversations take no more messages."""
    return ok(_conversation(await service.close_conversation(session, actor, conversation_id)))


@router.post("/{conversation_id}/messages/{message_id}/feedback", summary="Rate an agent reply")
async def feedback(
    conversation_id: uuid.UUID, message_id: uuid.UUID, body: FeedbackIn, actor: Writer, session: SessionDep
) -> dict[str, Any]:
    """A rating from 1 to 5 and, optionally, what the reply should have said."""
    row = await service.set_feedback(
        session, actor, conversation_id, message_id, rating=body.rating, correction=body.correction
    )
    return ok(_message(row))


@router.post("/{conversation_id}/regenerate", summary="Answer the last customer message again")
async def regenerate(conversation_id: uuid.UUID, actor: Writer, agent: AgentDep) -> dict[str, Any]:
    """The previous reply to it is kept, marked ``superseded``."""
    turn = await agent.regenerate(actor.tenant_id, conversation_id)
    return ok(turn.model_dump(mode="json"))


@router.post("/{conversation_id}/takeover", summary="Take a conversation over from the bot")
async def take_over(
    conversation_id: uuid.UUID, actor: Writer, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """The bot goes silent: customer messages are stored for you, and you answer with staff messages."""
    row = await takeover.take_over(session, actor, conversation_id, now=runtime.clock())
    return ok(_conversation(row))


@router.post("/{conversation_id}/staff-messages", status_code=201, summary="Send a staff message")
async def staff_message(
    conversation_id: uuid.UUID, body: StaffMessageIn, actor: Writer, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Recorded in the conversation and sent on its channel; take the conversation over first."""
    row = await takeover.add_staff_message(
        session, actor, conversation_id, text=body.text, now=runtime.clock()
    )
    return ok(_message(row))


@router.get("/{conversation_id}/suggested-reply", summary="What the bot would answer now")
async def suggested_reply(conversation_id: uuid.UUID, actor: Reader, agent: AgentDep) -> dict[str, Any]:
    """The bot's answer to the last customer message, not stored and not sent (null without one)."""
    turn = await agent.suggest_reply(actor.tenant_id, conversation_id)
    return ok(turn.model_dump(mode="json") if turn is not None else None)


@router.post("/{conversation_id}/handback", summary="Hand a conversation back to the bot")
async def hand_back(conversation_id: uuid.UUID, actor: Writer, agent: AgentDep) -> dict[str, Any]:
    """The bot answers again, with the messages exchanged while you had it in its history."""
    row = await agent.hand_back(actor.tenant_id, actor, conversation_id)
    return ok(_conversation(row))
