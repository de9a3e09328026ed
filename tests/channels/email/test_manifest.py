"""Every message of the shared e-mail corpus (channel_payloads/email/manifest.json) is handled, none crashes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parley.channels import IgnoreReason
from parley.channels.email import parse_email, parse_raw_email, strip_quoted_reply
from parley.channels.email._mime import part_text

from ..payloads import email_manifest, read_bytes

MANIFEST = email_manifest()
WITH_EXPECTED_REPLY = [entry for entry in MANIFEST if "expected_reply_text_talon" in entry]

# The corpus messages that must not be answered, and why.
IGNORED = {
    "mailparser_spamscope/mail_malformed_2.eml": IgnoreReason.BOUNCE,
    "mailparser_spamscope/mail_test_16.eml": IgnoreReason.BULK,
    "mailparser_spamscope/mail_test_6.eml": IgnoreReason.MAILING_LIST,
}


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _first_plain_part(raw: bytes) -> str:
    message = parse_raw_email(raw)
    part = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return part_text(part)


def test_the_manifest_lists_all_22_messages() -> None:
    assert len(MANIFEST) == 22
    assert len(WITH_EXPECTED_REPLY) == 12


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda entry: entry["file"])
def test_every_corpus_message_is_parsed_or_ignored_with_a_reason(entry: dict[str, Any]) -> None:
    message = parse_email(read_bytes(f"email/{entry['file']}"))
    assert message.ignored_reason == IGNORED.get(entry["file"])
    if message.ignored_reason is None:
        assert message.text.strip(), "an answered message must have text"
    else:
        assert message.ignored_detail
    assert message.subject == entry["subject"].strip()
    assert message.sender.email
    assert message.timestamp.tzinfo is not None
    json.loads(message.model_dump_json())


@pytest.mark.parametrize("entry", WITH_EXPECTED_REPLY, ids=lambda entry: entry["file"])
def test_quote_stripping_gives_talons_expected_reply_text(entry: dict[str, Any]) -> None:
    text = _first_plain_part(read_bytes(f"email/{entry['file']}"))
    assert _normalised(strip_quoted_reply(text)) == _normalised(entry["expected_reply_text_talon"])


@pytest.mark.parametrize("entry", WITH_EXPECTED_REPLY, ids=lambda entry: entry["file"])
def test_the_parsed_text_is_talons_reply_without_its_signature(entry: dict[str, Any]) -> None:
    message = parse_email(read_bytes(f"email/{entry['file']}"))
    # talon keeps "Sent from my iPhone" and Sparrow's "-- " block; the agent needs only the words.
    assert _normalised(message.text) == "Hello"
