"""What the outbox hands an outbound adapter, and what an adapter answers; one protocol for every channel."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

__all__ = ["Delivery", "DeliveryFailed", "Outbound", "SendResult"]


@dataclass(frozen=True)
class Delivery:
    """One outbox row ready to send, with the account's configuration and decrypted secrets."""

    outbox_id: uuid.UUID
    channel: str
    address: str
    config: dict[str, Any]
    secrets: dict[str, str]
    recipient: str
    text: str
    parts_sent: int = 0
    template: dict[str, Any] | None = None
    last_inbound_at: datetime | None = None
    last_inbound: dict[str, Any] | None = None
    status_callback_url: str | None = None
    now: datetime | None = None
    message_id: uuid.UUID | None = None
    attempt: int = 1
    """This try's number: above 1, an earlier try may have reached the provider without us recording it."""
    enqueued_at: datetime | None = None


@dataclass(frozen=True)
class SendResult:
    """The provider accepted the message: its id (for status callbacks) and its first status."""

    provider_message_id: str | None
    status: str = "sent"
    parts_sent: int = 1
    detail: dict[str, Any] = field(default_factory=dict)


class DeliveryFailed(Exception):
    """The provider refused or could not be reached.

    ``permanent`` failures (a bad recipient, the WhatsApp window closed) go straight to the dead letters;
    others are retried with backoff. ``parts_sent`` says how many chunks of a split reply did go out, so a
    retry does not repeat them.
    """

    def __init__(self, message: str, *, permanent: bool = False, parts_sent: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.parts_sent = parts_sent


class Outbound(Protocol):
    """A channel's sending side; `parley.channels.whatsapp_out`, `telegram_out`, `email_out`, `webchat_out` implement it."""

    async def send(self, delivery: Delivery) -> SendResult:
        """Deliver ``delivery.text`` from ``delivery.parts_sent`` on, or raise `DeliveryFailed`."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
