"""Provider webhooks: prove the sender, store the message through the pipeline, answer 2xx at once.

The agent never runs inside these requests, so Twilio and Telegram get their answer in milliseconds and
do not retry a slow turn into a duplicate. No staff login here: each provider proves itself instead
(Twilio's signature, Telegram's secret token).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response

from parley.api.deps import ChannelsDep, RuntimeDep
from parley.channels.errors import InvalidChannelPayload
from parley.channels.inbound import DeliveryStatusEvent
from parley.channels.models import ChannelAccount
from parley.channels.telegram import SECRET_TOKEN_HEADER, verify_secret_token
from parley.channels.twilio_whatsapp import (
    SIGNATURE_HEADER,
    TwilioSignatureVerifier,
    parse_form_body,
    parse_twilio_webhook,
)
from parley.channels.worker import ChannelWorker
from parley.core.errors import AuthenticationFailed, NotFound

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])

_EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def _twilio_account(
    channels: ChannelWorker, form: dict[str, str], *, status_callback: bool
) -> ChannelAccount:
    # Inbound messages name our number in To; status callbacks on our messages name it in From.
    address = form.get("From" if status_callback else "To", "")
    account = await channels.accounts.by_address("whatsapp", address)
    if account is None or not account.enabled:
        raise NotFound("no WhatsApp account for this number")
    return account


async def _verified_twilio(
    request: Request, runtime: Any, channels: ChannelWorker, signature: str | None, *, status_callback: bool
) -> tuple[ChannelAccount, list[tuple[str, str]]]:
    pairs = parse_form_body(await request.body())
    account = await _twilio_account(channels, dict(pairs), status_callback=status_callback)
    token = channels.outbox.vault.open(account).get("auth_token", "")
    base = account.config.get("public_base_url") or runtime.settings.public_base_url
    verifier = TwilioSignatureVerifier(token or "-", public_base_url=base)
    if not verifier.verify(url=str(request.url), params=pairs, signature=signature):
        raise AuthenticationFailed("X-Twilio-Signature does not match", code="AUTH_BAD_SIGNATURE")
    return account, pairs


@router.post("/whatsapp", summary="Twilio WhatsApp inbound webhook")
async def whatsapp(
    request: Request,
    runtime: RuntimeDep,
    channels: ChannelsDep,
    signature: Annotated[str | None, Header(alias=SIGNATURE_HEADER)] = None,
) -> Response:
    """Stores the message (or a status callback) and answers empty TwiML; the reply goes out by the outbox."""
    account, pairs = await _verified_twilio(request, runtime, channels, signature, status_callback=False)
    parsed = parse_twilio_webhook(pairs, tenant_id=account.tenant_id, received_at=runtime.clock())
    if isinstance(parsed, DeliveryStatusEvent):
        await channels.outbox.apply_status(parsed)
    else:
        await channels.pipeline.receive(account, parsed)
    return Response(_EMPTY_TWIML, media_type="text/xml")


@router.post("/whatsapp/status", summary="Twilio status callback for messages we sent")
async def whatsapp_status(
    request: Request,
    runtime: RuntimeDep,
    channels: ChannelsDep,
    signature: Annotated[str | None, Header(alias=SIGNATURE_HEADER)] = None,
) -> Response:
    """Records queued, sent, delivered, read or failed on the outbox row of that message."""
    _account, pairs = await _verified_twilio(request, runtime, channels, signature, status_callback=True)
    parsed = parse_twilio_webhook(pairs, received_at=runtime.clock())
    if not isinstance(parsed, DeliveryStatusEvent):
        raise InvalidChannelPayload("not a status callback: no MessageStatus", field="MessageStatus")
    await channels.outbox.apply_status(parsed)
    return Response(status_code=204)


@router.post("/telegram", summary="Telegram bot webhook")
async def telegram(
    request: Request,
    runtime: RuntimeDep,
    channels: ChannelsDep,
    account: Annotated[uuid.UUID, Query(description="The channel account of the bot (set in setWebhook).")],
    secret: Annotated[str | None, Header(alias=SECRET_TOKEN_HEADER)] = None,
) -> dict[str, Any]:
    """Stores the update (or records why it is ignored) and answers at once."""
    row = await channels.accounts.by_id(account)
    if row is None or row.channel != "telegram" or not row.enabled:
        raise NotFound("no such Telegram bot")
    expected = channels.outbox.vault.open(row).get("webhook_secret", "")
    if not verify_secret_token(secret, expected):
        raise AuthenticationFailed("wrong or missing secret token", code="AUTH_BAD_SIGNATURE")
    try:
        update = await request.json()
    except ValueError as error:
        raise InvalidChannelPayload("the body is not JSON") from error
    received = await channels.receive_telegram(row, update)
    return {"ok": True, "duplicate": received.duplicate, "ignored": received.ignored_reason}
