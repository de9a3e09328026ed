"""The one shape every channel turns a provider's payload into.

WhatsApp form posts, Telegram updates and raw e-mail all become an `InboundMessage` (something a customer
said) or a `DeliveryStatusEvent` (what happened to something we said), so the pipeline that answers
customers is written once and never looks at a provider's wire format.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue

__all__ = [
    "Attachment",
    "Channel",
    "DeliveryStatus",
    "DeliveryStatusEvent",
    "IgnoreReason",
    "InboundKind",
    "InboundMessage",
    "Location",
    "Sender",
]


class Channel(StrEnum):
    """Where a conversation happens; also the key the outbound side dispatches on."""

    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    EMAIL = "email"
    WEB = "web"


class InboundKind(StrEnum):
    """What the customer did, so the pipeline can treat a button press differently from typed text."""

    MESSAGE = "message"
    """Free text and/or attachments."""
    COMMAND = "command"
    """A bot command such as Telegram's ``/start``; `InboundMessage.command` holds its name."""
    BUTTON_REPLY = "button_reply"
    """A tap on a button we sent (Telegram inline keyboard, WhatsApp quick reply or list)."""
    EDITED_MESSAGE = "edited_message"
    """A correction of an earlier message; `InboundMessage.reply_to` points at the original."""


class IgnoreReason(StrEnum):
    """Why a payload is recorded but deliberately not answered.

    Answering these would at best waste a model call and at worst start a mail loop with an
    autoresponder, so each channel parser names the reason instead of dropping the payload silently.
    """

    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    RECEIPT = "receipt"
    MAILING_LIST = "mailing_list"
    BULK = "bulk"
    SPAM = "spam"
    OWN_MESSAGE = "own_message"
    BOT_SENDER = "bot_sender"
    CHANNEL_POST = "channel_post"
    MEMBERSHIP_CHANGE = "membership_change"
    SERVICE_MESSAGE = "service_message"
    UNSUPPORTED_UPDATE = "unsupported_update"
    UNSUPPORTED_CONTENT = "unsupported_content"
    UNSUPPORTED_CHANNEL = "unsupported_channel"
    COMMAND_FOR_ANOTHER_BOT = "command_for_another_bot"
    EMPTY = "empty"


class Sender(BaseModel):
    """Who wrote, as far as the provider tells us; enough to find or create the customer record."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable provider id: WhatsApp address, Telegram user id, e-mail address.")
    display_name: str | None = None
    username: str | None = None
    phone: str | None = Field(default=None, description="E.164 with a leading '+', when known.")
    email: str | None = None
    is_bot: bool = False


class Attachment(BaseModel):
    """A file the customer sent, described but not downloaded.

    The bytes stay with the provider (`url`, or a provider file id in `content_ref`) or in the stored raw
    message (`content_ref` of the form ``mime:1.2``), so parsing stays cheap and the model JSON-safe.
    """

    model_config = ConfigDict(frozen=True)

    filename: str | None = None
    content_type: str | None = None
    size: int | None = Field(default=None, ge=0, description="Size in bytes, when the provider says.")
    url: str | None = Field(default=None, description="Where to fetch it; Twilio media URLs need auth.")
    content_ref: str | None = Field(
        default=None,
        description="Provider reference: 'telegram-file:<file_id>' or 'mime:<part path>' for e-mail.",
    )
    sha256: str | None = None
    inline: bool = Field(default=False, description="Shown inside the body (e-mail inline image).")


class Location(BaseModel):
    """A shared location pin (WhatsApp, Telegram)."""

    model_config = ConfigDict(frozen=True)

    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None


class InboundMessage(BaseModel):
    """Something a customer sent, normalised across channels.

    ``external_*`` ids are the provider's, namespaced only as far as needed to be unique per channel and
    account, so the pipeline can deduplicate redeliveries with ``(channel, external_message_id)``.
    """

    model_config = ConfigDict(frozen=True)

    tenant_id: uuid.UUID | None = Field(
        default=None, description="Filled by the webhook route, not the parser."
    )
    channel: Channel
    kind: InboundKind = InboundKind.MESSAGE
    external_conversation_id: str
    external_message_id: str
    sender: Sender
    recipient: str | None = Field(
        default=None, description="Our address that received it (WhatsApp number, mailbox); routes tenants."
    )
    reply_address: str | None = Field(
        default=None, description="Where answers go when it is not the sender (e-mail Reply-To)."
    )
    text: str = Field(default="", description="Only the new text: quotes and signatures removed.")
    attachments: list[Attachment] = Field(default_factory=list)
    location: Location | None = None
    reply_to: str | None = Field(default=None, description="External id of the message this answers.")
    timestamp: AwareDatetime
    command: str | None = Field(default=None, description="Command name without '/', lower case.")
    command_args: str | None = None
    button_payload: str | None = Field(
        default=None, description="Machine value of the tapped button, e.g. 'approve_quote:Q-2026-0001'."
    )
    subject: str | None = None
    references: list[str] = Field(
        default_factory=list, description="E-mail References, oldest first, each as '<id>'."
    )
    forwarded: bool = False
    raw: dict[str, JsonValue] = Field(default_factory=dict, description="Provider payload, JSON-safe.")
    ignored_reason: str | None = Field(default=None, description="An `IgnoreReason` when not to answer.")
    ignored_detail: str | None = Field(default=None, description="Human-readable evidence for the reason.")

    @property
    def should_answer(self) -> bool:
        """Whether the pipeline should hand this to the agent."""
        return self.ignored_reason is None


class DeliveryStatus(StrEnum):
    """Lifecycle of a message we sent, in the provider's vocabulary (Twilio's, which is the richest)."""

    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    UNDELIVERED = "undelivered"
    CANCELED = "canceled"
    RECEIVING = "receiving"
    RECEIVED = "received"
    UNKNOWN = "unknown"

    @property
    def is_failure(self) -> bool:
        """Whether the message will not reach the customer, so the outbox should retry or alert."""
        return self in {DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERED, DeliveryStatus.CANCELED}


class DeliveryStatusEvent(BaseModel):
    """A provider's report on one of our outgoing messages (Twilio status callback)."""

    model_config = ConfigDict(frozen=True)

    channel: Channel
    external_message_id: str
    status: DeliveryStatus
    provider_status: str = Field(description="The status string exactly as the provider sent it.")
    error_code: str | None = None
    error_message: str | None = None
    recipient: str | None = None
    timestamp: AwareDatetime
    raw: dict[str, JsonValue] = Field(default_factory=dict)
