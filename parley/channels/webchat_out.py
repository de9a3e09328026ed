"""The web chat's sending side: the outbox marks a reply deliverable and wakes the visitor's event stream.

A browser cannot be called like a provider, so "sending" means: the reply is committed for the page's
server-sent events stream, which pushes it (and records it ``delivered``) the moment the page is connected,
or on its next connection. The wake-up goes through the process's `EventHub`; a stream in another process
finds the reply on its next poll of the database instead.
"""

from __future__ import annotations

from parley.agent.events import EventHub
from parley.channels.base import Delivery, DeliveryFailed, SendResult

__all__ = ["OUTBOX_EVENT", "WebChatSender"]

OUTBOX_EVENT = "outbox"
"""The hub event that tells a visitor's stream a reply of its conversation is ready to push."""


class WebChatSender:
    """An `Outbound` for the web chat; the provider message id is our message id, for read receipts."""

    def __init__(self, hub: EventHub) -> None:
        self.hub = hub

    async def send(self, delivery: Delivery) -> SendResult:
        """Publish the reply to the conversation's open streams; it stays in the history either way."""
        if delivery.message_id is None:
            raise DeliveryFailed("a web chat delivery needs the stored message", permanent=True)
        await self.hub.publish(delivery.recipient, OUTBOX_EVENT, {"message_id": str(delivery.message_id)})
        return SendResult(provider_message_id=str(delivery.message_id), status="sent")

    async def aclose(self) -> None:
        """Nothing to release: no connection of its own."""
