"""What the conversation API takes and gives."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ConversationIn",
    "ConversationOut",
    "FeedbackIn",
    "MessageIn",
    "MessageOut",
    "StaffMessageIn",
    "TurnOut",
]

Channel = Literal["web", "whatsapp", "telegram", "email", "api"]


class ConversationIn(BaseModel):
    """A new conversation; staff and integrations open them on the API channel or for the web chat."""

    model_config = ConfigDict(extra="forbid")

    channel: Channel = "web"
    customer_id: uuid.UUID | None = None
    external_id: str | None = Field(None, max_length=255)


class ConversationOut(BaseModel):
    """A conversation as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    channel: str
    customer_id: uuid.UUID | None
    status: str
    external_id: str | None
    external_ids: dict[str, Any]
    language: str | None
    created_at: datetime
    updated_at: datetime
    last_message_at: datetime | None
    usage: dict[str, Any] = Field(
        default_factory=dict,
        description="Totals of the agent's replies: messages, prompt_tokens, completion_tokens, cost (USD), "
        "cache_hits.",
    )
    assigned_to_id: uuid.UUID | None = Field(None, description="The staff member who took it over.")
    taken_over_at: datetime | None = None


class MessageIn(BaseModel):
    """A customer's message."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class StaffMessageIn(BaseModel):
    """A staff member's message to the customer of a taken-over conversation."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class MessageOut(BaseModel):
    """One stored message."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    conversation_id: uuid.UUID
    role: str
    text: str
    intent: str | None
    confidence: float | None
    entities: dict[str, Any]
    tool_calls: list[dict[str, Any]]
    guardrails: dict[str, Any]
    status: str
    metrics: dict[str, Any]
    reply_to_id: uuid.UUID | None
    rating: int | None
    correction: str | None
    created_at: datetime


class TurnOut(BaseModel):
    """The answer to one customer message, shaped like Cerniq's ``ai/process`` response."""

    conversation_id: uuid.UUID
    message_id: uuid.UUID
    reply_to_id: uuid.UUID
    response: str
    intent: str | None
    confidence: float | None
    entities: dict[str, Any]
    tool_calls: list[dict[str, Any]]
    guardrails: dict[str, Any]
    status: str
    metrics: dict[str, Any]


class FeedbackIn(BaseModel):
    """Staff or the customer rating an agent reply, optionally with what it should have said."""

    model_config = ConfigDict(extra="forbid")

    rating: int = Field(ge=1, le=5)
    correction: str | None = Field(None, max_length=4000)
