from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from parley.channels import Channel, IgnoreReason, InboundMessage, Sender


def _message(**fields: object) -> InboundMessage:
    values: dict[str, object] = {
        "channel": Channel.WEB,
        "external_conversation_id": "session-1",
        "external_message_id": "m-1",
        "sender": Sender(id="visitor-1"),
        "text": "Hi",
        "timestamp": datetime(2026, 3, 1, tzinfo=UTC),
        **fields,
    }
    return InboundMessage.model_validate(values)


def test_a_message_without_an_ignore_reason_should_be_answered() -> None:
    assert _message().should_answer
    assert not _message(ignored_reason=IgnoreReason.BOUNCE).should_answer


def test_a_naive_timestamp_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        _message(timestamp=datetime(2026, 3, 1))


def test_the_raw_payload_must_be_json() -> None:
    with pytest.raises(ValidationError):
        _message(raw={"when": datetime(2026, 3, 1, tzinfo=UTC)})


def test_a_parsed_message_cannot_be_changed_by_accident() -> None:
    message = _message()
    with pytest.raises(ValidationError):
        message.text = "changed"  # type: ignore[misc]


def test_a_message_round_trips_through_json() -> None:
    message = _message(ignored_reason=IgnoreReason.AUTO_REPLY, raw={"headers": [["X", "1"]]})
    assert InboundMessage.model_validate_json(message.model_dump_json()) == message


def test_the_tenant_is_filled_later_and_must_be_a_uuid() -> None:
    assert _message().tenant_id is None
    with pytest.raises(ValidationError):
        _message(tenant_id="acme")
