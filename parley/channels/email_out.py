"""Sending e-mail replies over SMTP with `aiosmtplib`, threaded under the customer's message.

The Message-ID is derived from the outbox row, so a retry after a crash sends the same Message-ID and the
customer's mail program shows one message, not two.
"""

from __future__ import annotations

import aiosmtplib

from parley.channels.base import Delivery, DeliveryFailed, SendResult
from parley.channels.email import build_reply
from parley.channels.inbound import InboundMessage

__all__ = ["SmtpSender"]


class SmtpSender:
    """An `Outbound` for e-mail; the account's ``smtp_*`` config and ``smtp_password`` secret."""

    async def send(self, delivery: Delivery) -> SendResult:
        """Answer the conversation's latest customer mail (threading headers from it)."""
        if not delivery.last_inbound:
            raise DeliveryFailed("no customer e-mail to answer in this conversation", permanent=True)
        original = InboundMessage.model_validate(delivery.last_inbound)
        config = delivery.config
        try:
            reply = build_reply(
                original,
                from_address=delivery.address,
                text=delivery.text,
                from_name=config.get("from_name"),
                date=delivery.now,
            )
        except ValueError as error:
            raise DeliveryFailed(str(error), permanent=True) from error
        domain = delivery.address.rpartition("@")[2] or "parley.local"
        message_id = f"<{delivery.outbox_id}@{domain}>"
        reply.replace_header("Message-ID", message_id)
        try:
            await aiosmtplib.send(
                reply,
                hostname=config.get("smtp_host", "127.0.0.1"),
                port=int(config.get("smtp_port", 25)),
                username=config.get("smtp_user") or None,
                password=delivery.secrets.get("smtp_password") or None,
                start_tls=bool(config.get("smtp_starttls", False)),
                use_tls=bool(config.get("smtp_tls", False)),
                timeout=15,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise DeliveryFailed(f"SMTP refused the recipient: {error}", permanent=True) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"SMTP: {error}") from error
        return SendResult(provider_message_id=message_id, status="sent")

    async def aclose(self) -> None:
        """Nothing held: one SMTP connection per message."""
