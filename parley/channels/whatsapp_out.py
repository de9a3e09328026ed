"""Sending WhatsApp messages through Twilio's REST client, inside the 24-hour customer-service window.

WhatsApp lets a business send free text only within 24 hours of the customer's last message; after that,
only an approved template (a Twilio Content SID) goes through. We refuse early, with a clear reason,
instead of letting Twilio fail the message later. ``config["api_base_url"]`` points the real client at
another host (the fake Twilio server in tests).
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from parley.channels.base import Delivery, DeliveryFailed, SendResult
from parley.channels.splitting import split_message
from parley.channels.twilio_whatsapp import WHATSAPP_BODY_LIMIT

__all__ = ["SESSION_WINDOW", "TwilioWhatsAppSender", "twilio_client", "window_open"]

SESSION_WINDOW = timedelta(hours=24)
_WINDOW_CLOSED = 63016
_CLOCK_SKEW = timedelta(minutes=5)
"""Twilio's error code for free text outside the window."""


def window_open(delivery: Delivery) -> bool:
    """Whether free text may be sent: the customer wrote within the last 24 hours."""
    if delivery.last_inbound_at is None or delivery.now is None:
        return False
    return delivery.now - delivery.last_inbound_at < SESSION_WINDOW


class _TwilioHttpClient(AsyncTwilioHttpClient):
    """Twilio's own aiohttp client, optionally sent to another origin with the same paths.

    Credentials go in an Authorization header: the parent's `aiohttp.BasicAuth` is deprecated.
    """

    def __init__(self, base_url: str | None = None) -> None:
        super().__init__(timeout=10)
        self._base = urlsplit(base_url) if base_url else None

    async def request(
        self, method: str, url: str, *args: Any, auth: tuple[str, str] | None = None, **kwargs: Any
    ) -> Response:
        if self._base is not None:
            parts = urlsplit(url)
            url = urlunsplit((self._base.scheme, self._base.netloc, parts.path, parts.query, ""))
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Authorization": f"Basic {token}"}
        return await super().request(method, url, *args, **kwargs)


def twilio_client(account_sid: str, auth_token: str, api_base_url: str | None = None) -> Client:
    """Twilio's REST client on its async HTTP client, sent to ``api_base_url`` when set (the fakes)."""
    return Client(
        account_sid, auth_token, account_sid=account_sid, http_client=_TwilioHttpClient(api_base_url)
    )


class TwilioWhatsAppSender:
    """An `Outbound` for WhatsApp; one Twilio client per account, reused across messages."""

    def __init__(self) -> None:
        self._clients: dict[tuple[str, str, str], Client] = {}

    def _client(self, delivery: Delivery) -> Client:
        sid = str(delivery.config.get("account_sid", ""))
        token = delivery.secrets.get("auth_token", "")
        base = str(delivery.config.get("api_base_url") or "")
        key = (sid, token, base)
        if key not in self._clients:
            self._clients[key] = twilio_client(sid, token, base or None)
        return self._clients[key]

    async def send(self, delivery: Delivery) -> SendResult:
        """Send the text in chunks Twilio accepts, or the template when the window has closed."""
        client = self._client(delivery)
        common: dict[str, Any] = {"from_": delivery.address, "to": delivery.recipient}
        if delivery.status_callback_url:
            common["status_callback"] = delivery.status_callback_url
        if delivery.template:
            bodies: list[dict[str, Any]] = [
                {
                    "content_sid": delivery.template["content_sid"],
                    "content_variables": json.dumps(delivery.template.get("variables", {})),
                }
            ]
        elif not window_open(delivery):
            raise DeliveryFailed(
                "the WhatsApp 24-hour window is closed: only an approved template may be sent",
                permanent=True,
            )
        else:
            chunks = split_message(delivery.text, WHATSAPP_BODY_LIMIT, measure=len)
            bodies = [{"body": chunk} for chunk in chunks]
        sent, sid, status = delivery.parts_sent, None, "queued"
        for body in bodies[delivery.parts_sent :]:
            earlier = await self._sent_before(client, delivery, body) if delivery.attempt > 1 else None
            if earlier is not None:
                sent, sid, status = sent + 1, earlier.sid, str(earlier.status or "queued")
                continue
            try:
                message = await client.messages.create_async(**common, **body)
            except TwilioRestException as error:
                permanent = (error.status < 500 and error.status != 429) or error.code == _WINDOW_CLOSED
                raise DeliveryFailed(
                    f"Twilio {error.status} {error.code}: {error.msg}", permanent=permanent, parts_sent=sent
                ) from error
            except OSError as error:
                raise DeliveryFailed(f"Twilio unreachable: {error}", parts_sent=sent) from error
            sent, sid, status = sent + 1, message.sid, str(message.status or "queued")
        return SendResult(provider_message_id=sid, status=status, parts_sent=sent)

    async def _sent_before(self, client: Client, delivery: Delivery, body: dict[str, Any]) -> Any:
        """The message an earlier try created, if Twilio has it; Twilio takes no idempotency key, so we look.

        A try that died after Twilio accepted it (a crash, a timeout on the answer) left no record here; the
        Messages list of this sender and recipient since the reply was enqueued tells. When Twilio cannot
        be asked, the try fails and is retried later rather than risking a second copy.
        """
        start = delivery.enqueued_at or delivery.now
        since = start - _CLOCK_SKEW if start is not None else None
        try:
            recent = await client.messages.list_async(to=delivery.recipient, from_=delivery.address, limit=50)
        except (TwilioRestException, OSError) as error:
            raise DeliveryFailed(f"cannot check Twilio for an earlier try: {error}") from error
        text = body.get("body")  # a template's text is Twilio's to render: only plain texts are matched
        for message in recent:
            recent_enough = since is None or message.date_created is None or message.date_created >= since
            if text is not None and message.body == text and recent_enough:
                return message
        return None

    async def aclose(self) -> None:
        """Close the aiohttp sessions."""
        for client in self._clients.values():
            http = client.http_client
            if isinstance(http, AsyncTwilioHttpClient):
                await http.close()
        self._clients.clear()
