from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.datastructures import FormData
from twilio.request_validator import RequestValidator

from parley.channels import (
    DeliveryStatus,
    DeliveryStatusEvent,
    IgnoreReason,
    InboundKind,
    InvalidChannelPayload,
)
from parley.channels.twilio_whatsapp import (
    TwilioSignatureVerifier,
    parse_form_body,
    parse_status_callback,
    parse_twilio_webhook,
    parse_whatsapp_message,
)

from .payloads import DATA, load_json, twilio_vectors

VECTORS = twilio_vectors()
TOKEN = VECTORS["auth_token"]
RECEIVED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _params(case: dict[str, Any]) -> Any:
    if "body" in case:
        return case["body"]
    if "params_multi" in case:
        return [tuple(pair) for pair in case["params_multi"]]
    return case["params"]


def _tamper(params: Any) -> Any:
    if isinstance(params, str):
        return params.replace("value", "other")
    if isinstance(params, list):
        return [
            (key, value + "0") if index == 0 else (key, value) for index, (key, value) in enumerate(params)
        ]
    first = next(iter(params))
    return {**params, first: params[first] + "0"}


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda case: case["name"])
def test_every_published_signature_vector_gets_its_expected_verdict(case: dict[str, Any]) -> None:
    verifier = TwilioSignatureVerifier(TOKEN)
    verdict = verifier.verify(url=case["url"], params=_params(case), signature=case["x_twilio_signature"])
    assert verdict is case["valid"]


VALID = [case for case in VECTORS["cases"] if case["valid"]]


@pytest.mark.parametrize("case", VALID, ids=lambda case: case["name"])
def test_a_changed_parameter_is_rejected(case: dict[str, Any]) -> None:
    verifier = TwilioSignatureVerifier(TOKEN)
    tampered = _tamper(_params(case))
    assert not verifier.verify(url=case["url"], params=tampered, signature=case["x_twilio_signature"])


@pytest.mark.parametrize("case", VALID, ids=lambda case: case["name"])
def test_a_changed_url_is_rejected(case: dict[str, Any]) -> None:
    verifier = TwilioSignatureVerifier(TOKEN)
    url = case["url"].replace("myapp.php", "other.php")
    assert not verifier.verify(url=url, params=_params(case), signature=case["x_twilio_signature"])


@pytest.mark.parametrize("case", VALID, ids=lambda case: case["name"])
def test_a_signature_made_with_another_token_is_rejected(case: dict[str, Any]) -> None:
    verifier = TwilioSignatureVerifier("54321")
    assert not verifier.verify(url=case["url"], params=_params(case), signature=case["x_twilio_signature"])


@pytest.mark.parametrize("signature", [None, ""])
def test_a_request_without_a_signature_is_rejected(signature: str | None) -> None:
    case = VALID[0]
    verifier = TwilioSignatureVerifier(TOKEN)
    assert not verifier.verify(url=case["url"], params=case["params"], signature=signature)


def test_a_text_body_without_a_body_hash_in_the_url_is_rejected() -> None:
    verifier = TwilioSignatureVerifier(TOKEN)
    signature = RequestValidator(TOKEN).compute_signature("https://mycompany.com/hook", {})
    assert not verifier.verify(url="https://mycompany.com/hook", params="{}", signature=signature)


def test_behind_a_proxy_the_signature_is_checked_against_the_public_url() -> None:
    case = VALID[0]
    internal_url = "http://127.0.0.1:8000/myapp.php?foo=1&bar=2"
    behind_proxy = TwilioSignatureVerifier(TOKEN, public_base_url="https://mycompany.com")
    naive = TwilioSignatureVerifier(TOKEN)
    assert behind_proxy.verify(url=internal_url, params=case["params"], signature=case["x_twilio_signature"])
    assert not naive.verify(url=internal_url, params=case["params"], signature=case["x_twilio_signature"])


def test_a_public_base_url_with_a_path_is_put_before_the_request_path() -> None:
    verifier = TwilioSignatureVerifier(TOKEN, public_base_url="https://example.com/parley/")
    public = verifier.public_url("http://app:8000/webhooks/twilio/acme?x=1")
    assert public == "https://example.com/parley/webhooks/twilio/acme?x=1"


def test_a_relative_public_base_url_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="absolute"):
        TwilioSignatureVerifier(TOKEN, public_base_url="parley.example.com")


def test_an_empty_auth_token_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError):
        TwilioSignatureVerifier("")


def test_shared_key_webhooks_signed_with_hmac_sha256_are_accepted_when_the_header_says_so() -> None:
    case = VALID[0]
    signature = RequestValidator(TOKEN).compute_signature(case["url"], case["params"], "HMAC_SHA256")
    verifier = TwilioSignatureVerifier(TOKEN)
    settings = "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"
    assert verifier.verify(
        url=case["url"], params=case["params"], signature=signature, signature_settings=settings
    )
    assert not verifier.verify(url=case["url"], params=case["params"], signature=signature)


def test_starlette_form_data_with_repeated_keys_verifies() -> None:
    case = next(case for case in VALID if "params_multi" in case)
    form = FormData([tuple(pair) for pair in case["params_multi"]])
    verifier = TwilioSignatureVerifier(TOKEN)
    assert verifier.verify(url=case["url"], params=form, signature=case["x_twilio_signature"])


def _raw_http_capture() -> tuple[dict[str, str], str, str]:
    text = (DATA / "twilio/whatsapp_inbound_raw_http_from_twilio_docs.txt").read_text(encoding="utf-8")
    lines = [line.removesuffix(".") if line.endswith(".") else line for line in text.splitlines()]
    blank = lines.index("")
    method, path, _ = lines[0].split(" ")
    assert method == "POST"
    headers = dict(line.split(": ", 1) for line in lines[1:blank])
    body = "\n".join(lines[blank + 1 :]).strip()
    return headers, path, body


def test_the_raw_http_capture_from_twilio_verifies_with_the_derived_test_signature() -> None:
    example = load_json("twilio/whatsapp_inbound_interactive_button.json")
    headers, path, body = _raw_http_capture()
    url = f"{headers['X-Forwarded-Proto']}://{headers['Host']}{path}"
    assert url == example["url"]
    params = parse_form_body(body)
    verifier = TwilioSignatureVerifier(example["test_auth_token"])
    assert verifier.verify(url=url, params=params, signature=example["derived_signature_for_test_token"])
    assert not verifier.verify(url=url, params=params, signature=headers["X-Twilio-Signature"])


def test_the_raw_http_capture_verifies_when_the_app_sits_behind_the_tunnel() -> None:
    example = load_json("twilio/whatsapp_inbound_interactive_button.json")
    headers, path, body = _raw_http_capture()
    verifier = TwilioSignatureVerifier(
        example["test_auth_token"], public_base_url=f"https://{headers['Host']}"
    )
    assert verifier.verify(
        url=f"http://localhost:8000{path}",
        params=parse_form_body(body.encode()),
        signature=example["derived_signature_for_test_token"],
    )


def test_the_raw_http_capture_body_decodes_to_the_documented_parameters() -> None:
    example = load_json("twilio/whatsapp_inbound_interactive_button.json")
    _, _, body = _raw_http_capture()
    assert dict(parse_form_body(body)) == example["params"]
    assert body == example["raw_body"]


def test_an_interactive_button_reply_parses_into_a_button_reply_from_the_profile() -> None:
    example = load_json("twilio/whatsapp_inbound_interactive_button.json")
    message = parse_whatsapp_message(example["params"], received_at=RECEIVED)
    assert message.kind is InboundKind.BUTTON_REPLY
    assert message.button_payload == "REJECTED"
    assert message.text == "VOICE_CALL_REQUEST"
    assert message.sender.id == "whatsapp:+5524987654321"
    assert message.sender.phone == "+5524987654321"
    assert message.sender.display_name == "XXXX Caller BR-2"
    assert message.recipient == "whatsapp:+554123456789"
    assert message.external_conversation_id == "whatsapp:+5524987654321"
    assert message.external_message_id == "SMxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    assert message.timestamp == RECEIVED
    assert message.should_answer
    assert message.raw["ButtonPayload"] == "REJECTED"


def test_the_raw_capture_and_the_json_example_parse_to_the_same_message() -> None:
    example = load_json("twilio/whatsapp_inbound_interactive_button.json")
    _, _, body = _raw_http_capture()
    from_body = parse_whatsapp_message(parse_form_body(body), received_at=RECEIVED)
    from_json = parse_whatsapp_message(example["params"], received_at=RECEIVED)
    assert from_body == from_json


def _inbound(**extra: str) -> dict[str, str]:
    return {
        "MessageSid": "SM0001",
        "AccountSid": "AC0001",
        "From": "whatsapp:+447700900123",
        "To": "whatsapp:+14155238886",
        "WaId": "447700900123",
        "ProfileName": "Ada",
        "SmsStatus": "received",
        "NumMedia": "0",
        "Body": "",
        **extra,
    }


def test_a_text_message_carries_its_body_and_sender() -> None:
    message = parse_whatsapp_message(_inbound(Body="Is my order shipped?", MessageType="text"))
    assert message.kind is InboundKind.MESSAGE
    assert message.text == "Is my order shipped?"
    assert message.sender.phone == "+447700900123"
    assert message.timestamp.tzinfo is not None


def test_media_urls_and_types_become_attachments_in_order() -> None:
    form = _inbound(
        NumMedia="2",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC0001/Messages/SM0001/Media/ME0",
        MediaContentType0="image/jpeg",
        MediaUrl1="https://api.twilio.com/2010-04-01/Accounts/AC0001/Messages/SM0001/Media/ME1",
        MediaContentType1="application/pdf",
        Body="Invoice attached",
    )
    message = parse_whatsapp_message(form)
    assert [(item.content_type, item.url[-3:]) for item in message.attachments] == [
        ("image/jpeg", "ME0"),
        ("application/pdf", "ME1"),
    ]
    assert message.should_answer


def test_a_media_only_message_is_answered() -> None:
    form = _inbound(NumMedia="1", MediaUrl0="https://api.twilio.com/m/ME0", MediaContentType0="audio/ogg")
    assert parse_whatsapp_message(form).should_answer


def test_a_shared_location_becomes_a_location() -> None:
    form = _inbound(MessageType="location", Latitude="51.5072", Longitude="-0.1276", Address="London")
    message = parse_whatsapp_message(form)
    assert message.location is not None
    assert (message.location.latitude, message.location.address) == (51.5072, "London")
    assert message.should_answer


def test_a_reply_to_a_specific_message_points_at_it() -> None:
    message = parse_whatsapp_message(_inbound(Body="this one", OriginalRepliedMessageSid="SM0000"))
    assert message.reply_to == "SM0000"


def test_a_list_picker_choice_is_a_button_reply() -> None:
    message = parse_whatsapp_message(_inbound(Body="Blue", ListId="colour_blue", ListTitle="Blue"))
    assert (message.kind, message.button_payload, message.text) == (
        InboundKind.BUTTON_REPLY,
        "colour_blue",
        "Blue",
    )


def test_an_sms_sender_is_ignored_as_an_unsupported_channel() -> None:
    message = parse_whatsapp_message(_inbound(From="+447700900123", Body="hi"))
    assert message.ignored_reason == IgnoreReason.UNSUPPORTED_CHANNEL


def test_an_empty_message_is_ignored() -> None:
    message = parse_whatsapp_message(_inbound(MessageType="reaction"))
    assert message.ignored_reason == IgnoreReason.EMPTY
    assert "reaction" in (message.ignored_detail or "")


def test_a_form_without_message_sid_is_invalid() -> None:
    form = _inbound()
    del form["MessageSid"]
    with pytest.raises(InvalidChannelPayload) as raised:
        parse_whatsapp_message(form)
    assert raised.value.code == "VAL_CHANNEL_PAYLOAD"


def _status(status: str, **extra: str) -> dict[str, str]:
    return {
        "MessageSid": "SM0042",
        "SmsSid": "SM0042",
        "MessageStatus": status,
        "SmsStatus": status,
        "To": "whatsapp:+447700900123",
        "From": "whatsapp:+14155238886",
        "AccountSid": "AC0001",
        **extra,
    }


@pytest.mark.parametrize("status", ["queued", "sent", "delivered", "read", "failed", "undelivered"])
def test_each_status_callback_maps_to_its_delivery_status(status: str) -> None:
    event = parse_status_callback(_status(status), received_at=RECEIVED)
    assert event.status == DeliveryStatus(status)
    assert event.external_message_id == "SM0042"
    assert event.recipient == "whatsapp:+447700900123"


def test_a_failed_status_keeps_the_error_code_and_counts_as_a_failure() -> None:
    event = parse_status_callback(_status("undelivered", ErrorCode="63016"))
    assert event.error_code == "63016"
    assert event.status.is_failure
    assert not DeliveryStatus.READ.is_failure


def test_an_unknown_status_is_kept_verbatim() -> None:
    event = parse_status_callback(_status("partially_delivered"))
    assert (event.status, event.provider_status) == (DeliveryStatus.UNKNOWN, "partially_delivered")


def test_the_webhook_dispatcher_tells_status_callbacks_from_messages() -> None:
    assert isinstance(parse_twilio_webhook(_status("read")), DeliveryStatusEvent)
    assert parse_twilio_webhook(_inbound(Body="hello")).text == "hello"
