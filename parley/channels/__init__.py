"""Parley channels: provider payloads in, one normalised `InboundMessage` out.

Each provider has its own module, imported on demand so that the CLI and the API start fast
(python-telegram-bot alone takes about a second to import):

- `parley.channels.twilio_whatsapp`: Twilio signature checks, WhatsApp messages and status callbacks.
- `parley.channels.telegram`: the webhook secret, updates, and `split_message` for long replies.
- `parley.channels.email`: raw RFC 822 parsing, reply extraction, auto-reply detection, reply building.
- `parley.channels.cli`: ``parley channels parse-email FILE``.
"""

from parley.channels.errors import InvalidChannelPayload
from parley.channels.inbound import (
    Attachment,
    Channel,
    DeliveryStatus,
    DeliveryStatusEvent,
    IgnoreReason,
    InboundKind,
    InboundMessage,
    Location,
    Sender,
)
from parley.channels.splitting import split_message, utf16_length

__all__ = [
    "Attachment",
    "Channel",
    "DeliveryStatus",
    "DeliveryStatusEvent",
    "IgnoreReason",
    "InboundKind",
    "InboundMessage",
    "InvalidChannelPayload",
    "Location",
    "Sender",
    "split_message",
    "utf16_length",
]
