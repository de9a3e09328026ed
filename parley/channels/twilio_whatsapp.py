"""Twilio's WhatsApp webhooks: proving a post came from Twilio, and reading what it says.

Twilio posts ``application/x-www-form-urlencoded`` bodies for both inbound messages and status callbacks
on our own messages, and signs each with ``X-Twilio-Signature`` over the URL it called plus the sorted
form parameters. Behind a reverse proxy the URL our app sees is not the one Twilio signed, so the
verifier rebuilds the public URL from configuration (never from forwarded headers, which a caller
controls).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit, urlunsplit

from pydantic import JsonValue
from twilio.request_validator import RequestValidator, get_signature_algorithm

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
from parley.core.clock import utcnow

__all__ = [
    "SIGNATURE_HEADER",
    "SIGNATURE_SETTINGS_HEADER",
    "WHATSAPP_BODY_LIMIT",
    "FormParams",
    "TwilioSignatureVerifier",
    "parse_form_body",
    "parse_status_callback",
    "parse_twilio_webhook",
    "parse_whatsapp_message",
]

SIGNATURE_HEADER = "X-Twilio-Signature"
SIGNATURE_SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
WHATSAPP_BODY_LIMIT = 1600
"""Twilio refuses WhatsApp bodies longer than this; split replies with `split_message`."""

FormParams = Mapping[str, str] | Iterable[tuple[str, str]]
"""A dict, a list of pairs (keeps repeated keys) or anything with ``multi_items()`` (Starlette FormData)."""

_WHATSAPP_PREFIX = "whatsapp:"


class _MultiParams(dict[str, list[str]]):
    """Form parameters with repeated keys, in the ``getall`` shape `RequestValidator` understands."""

    def getall(self, name: str) -> list[str]:
        return self[name]


def _pairs(params: FormParams) -> list[tuple[str, str]]:
    multi_items = getattr(params, "multi_items", None)
    if callable(multi_items):
        return [(str(key), str(value)) for key, value in multi_items()]
    if isinstance(params, Mapping):
        return [(str(key), str(value)) for key, value in params.items()]
    return [(str(key), str(value)) for key, value in params]


def parse_form_body(body: bytes | str) -> list[tuple[str, str]]:
    """Decode a form-encoded body into pairs, keeping blank values and repeated keys as Twilio sent them."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    return parse_qsl(text, keep_blank_values=True)


class TwilioSignatureVerifier:
    """Checks ``X-Twilio-Signature`` with the `twilio` library's own `RequestValidator`.

    Args:
        auth_token: The account Auth Token (or the SharedKey secret for HMAC-SHA256 webhooks).
        public_base_url: The scheme and host Twilio calls, e.g. ``https://parley.example.com``, for
            deployments behind a proxy or tunnel. Its path, if any, is put before the request path.

    """

    def __init__(self, auth_token: str, *, public_base_url: str | None = None) -> None:
        if not auth_token:
            raise ValueError("a Twilio auth token is required to verify webhooks")
        self._validator = RequestValidator(auth_token)
        self._base = urlsplit(public_base_url) if public_base_url else None
        if self._base is not None and not (self._base.scheme and self._base.netloc):
            raise ValueError(f"public_base_url must be absolute, got {public_base_url!r}")

    def public_url(self, request_url: str) -> str:
        """Return the URL Twilio called, given the URL the app saw (same path and query, public origin)."""
        if self._base is None:
            return request_url
        seen = urlsplit(request_url)
        path = self._base.path.rstrip("/") + (seen.path or "/")
        return urlunsplit((self._base.scheme, self._base.netloc, path, seen.query, ""))

    def verify(
        self,
        *,
        url: str,
        params: FormParams | str | None,
        signature: str | None,
        signature_settings: str | None = None,
    ) -> bool:
        """Whether the request is genuinely from Twilio.

        Args:
            url: The full request URL as the app received it (query string included).
            params: The form fields; or, for JSON webhooks, the raw body text, whose SHA-256 Twilio puts
                in the ``bodySHA256`` query parameter.
            signature: The ``X-Twilio-Signature`` header; missing means not verified.
            signature_settings: The ``X-Twilio-Webhooks-Signature-Settings`` header, which selects
                HMAC-SHA256 for SharedKey webhooks.

        """
        if not signature:
            return False
        public = self.public_url(url)
        payload: Any
        if isinstance(params, str):
            # A text body is only signed through its hash; without one the validator would sign characters.
            if "bodySHA256" not in parse_qs(urlsplit(public).query):
                return False
            payload = params
        else:
            payload = _MultiParams()
            for key, value in _pairs(params or {}):
                payload.setdefault(key, []).append(value)
        algorithm = get_signature_algorithm(signature_settings)
        return bool(self._validator.validate(public, payload, signature, algorithm=algorithm))


def _form_dict(params: FormParams) -> dict[str, str]:
    form: dict[str, str] = {}
    for key, value in _pairs(params):
        form.setdefault(key, value)
    return form


def _raw(params: FormParams) -> dict[str, JsonValue]:
    raw: dict[str, JsonValue] = {}
    for key, value in _pairs(params):
        if key not in raw:
            raw[key] = value
        else:
            previous = raw[key]
            raw[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return raw


def _message_sid(form: Mapping[str, str]) -> str:
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or form.get("SmsSid")
    if not sid:
        raise InvalidChannelPayload("Twilio webhook without MessageSid", field="MessageSid")
    return sid


def _attachments(form: Mapping[str, str]) -> list[Attachment]:
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError:
        count = 0
    media = []
    for index in range(max(count, 0)):
        url = form.get(f"MediaUrl{index}")
        if url:
            media.append(Attachment(url=url, content_type=form.get(f"MediaContentType{index}") or None))
    return media


def _location(form: Mapping[str, str]) -> Location | None:
    try:
        latitude, longitude = float(form["Latitude"]), float(form["Longitude"])
    except (KeyError, ValueError):
        return None
    return Location(
        latitude=latitude,
        longitude=longitude,
        name=form.get("Label") or None,
        address=form.get("Address") or None,
    )


def _sender(form: Mapping[str, str], address: str) -> Sender:
    wa_id = form.get("WaId")
    number = address.removeprefix(_WHATSAPP_PREFIX)
    phone = f"+{wa_id.lstrip('+')}" if wa_id else (number if number.startswith("+") else None)
    return Sender(id=address, display_name=form.get("ProfileName") or None, phone=phone)


def parse_whatsapp_message(
    params: FormParams,
    *,
    tenant_id: uuid.UUID | None = None,
    received_at: datetime | None = None,
) -> InboundMessage:
    """Turn an inbound-message webhook into an `InboundMessage`.

    The conversation is the customer's WhatsApp address; `recipient` is our number, which the route uses
    to find the tenant. Quick-reply and list buttons become `InboundKind.BUTTON_REPLY` with the label as
    text and the machine value in ``button_payload``. Twilio sends no timestamp, hence ``received_at``.

    Raises:
        InvalidChannelPayload: The form lacks MessageSid or From.

    """
    form = _form_dict(params)
    sid = _message_sid(form)
    address = form.get("From")
    if not address:
        raise InvalidChannelPayload("Twilio webhook without From", field="From")
    button_payload = form.get("ButtonPayload") or form.get("ListId") or None
    button_text = form.get("ButtonText") or form.get("ListTitle") or None
    text = button_text or form.get("Body") or ""
    attachments = _attachments(form)
    location = _location(form)
    ignored_reason: str | None = None
    ignored_detail: str | None = None
    if not address.startswith(_WHATSAPP_PREFIX):
        ignored_reason, ignored_detail = IgnoreReason.UNSUPPORTED_CHANNEL, f"not a WhatsApp sender: {address}"
    elif form.get("MessageType") == "unsupported":
        ignored_reason, ignored_detail = IgnoreReason.UNSUPPORTED_CONTENT, "MessageType=unsupported"
    elif not (text.strip() or attachments or location or button_payload):
        ignored_reason = IgnoreReason.EMPTY
        ignored_detail = f"no body, media or location (MessageType={form.get('MessageType', '?')})"
    return InboundMessage(
        tenant_id=tenant_id,
        channel=Channel.WHATSAPP,
        kind=InboundKind.BUTTON_REPLY if button_payload else InboundKind.MESSAGE,
        external_conversation_id=address,
        external_message_id=sid,
        sender=_sender(form, address),
        recipient=form.get("To") or None,
        text=text,
        attachments=attachments,
        location=location,
        reply_to=form.get("OriginalRepliedMessageSid") or None,
        timestamp=received_at or utcnow(),
        button_payload=button_payload,
        forwarded=form.get("Forwarded", "").lower() == "true",
        raw=_raw(params),
        ignored_reason=ignored_reason,
        ignored_detail=ignored_detail,
    )


def parse_status_callback(params: FormParams, *, received_at: datetime | None = None) -> DeliveryStatusEvent:
    """Turn a status callback on one of our messages into a `DeliveryStatusEvent`.

    Raises:
        InvalidChannelPayload: The form lacks MessageSid or a status.

    """
    form = _form_dict(params)
    sid = _message_sid(form)
    provider_status = form.get("MessageStatus") or form.get("SmsStatus")
    if not provider_status:
        raise InvalidChannelPayload("Twilio status callback without MessageStatus", field="MessageStatus")
    try:
        status = DeliveryStatus(provider_status.lower())
    except ValueError:
        status = DeliveryStatus.UNKNOWN
    return DeliveryStatusEvent(
        channel=Channel.WHATSAPP,
        external_message_id=sid,
        status=status,
        provider_status=provider_status,
        error_code=form.get("ErrorCode") or None,
        error_message=form.get("ErrorMessage") or form.get("ChannelStatusMessage") or None,
        recipient=form.get("To") or None,
        timestamp=received_at or utcnow(),
        raw=_raw(params),
    )


def parse_twilio_webhook(
    params: FormParams,
    *,
    tenant_id: uuid.UUID | None = None,
    received_at: datetime | None = None,
) -> InboundMessage | DeliveryStatusEvent:
    """Parse either kind of Twilio messaging webhook; status callbacks are the ones carrying MessageStatus."""
    form = _form_dict(params)
    if "MessageStatus" in form:
        return parse_status_callback(params, received_at=received_at)
    return parse_whatsapp_message(params, tenant_id=tenant_id, received_at=received_at)
