from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parley.channels import IgnoreReason
from parley.channels.email import build_reply, parse_email, reply_subject
from parley.channels.email.thread_ids import MAX_REFERENCES, reply_references
from parley.channels.telegram import parse_telegram_update

from ..payloads import read_bytes, telegram_examples

SENT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_reply_threads_under_the_customers_message() -> None:
    original = parse_email(read_bytes("email/talon_replies/apple_mail_2.eml"))
    reply = build_reply(original, from_address="support@shop.example", text="Thanks, noted.", date=SENT)
    assert reply["In-Reply-To"] == original.external_message_id
    assert reply["References"].split() == [*original.references, original.external_message_id]
    assert reply["Subject"] == "Re: Hello there"
    assert reply["To"] == "Adam Renberg <adam@tictail.com>"
    assert reply["From"] == "support@shop.example"
    assert reply["Message-ID"].endswith("@shop.example>")
    assert reply["Date"] == "Mon, 02 Mar 2026 08:00:00 +0000"
    assert reply.get_content_type() == "text/plain"
    assert reply.get_content().strip() == "Thanks, noted."


def test_the_customers_next_reply_lands_in_the_same_conversation() -> None:
    original = parse_email(read_bytes("email/talon_replies/apple_mail_2.eml"))
    ours = parse_email(build_reply(original, from_address="support@shop.example", text="Noted.").as_bytes())
    assert ours.external_conversation_id == original.external_conversation_id


def test_our_own_reply_read_back_is_never_answered() -> None:
    original = parse_email(read_bytes("email/talon_replies/gmail.eml"))
    reply = build_reply(original, from_address="support@shop.example", text="Noted.")
    assert parse_email(reply.as_bytes()).ignored_reason == IgnoreReason.AUTO_REPLY
    again = parse_email(reply.as_bytes(), own_addresses=["support@shop.example"])
    assert again.ignored_reason == IgnoreReason.OWN_MESSAGE


def test_replies_carry_loop_prevention_headers_unless_a_person_wrote_them() -> None:
    original = parse_email(read_bytes("email/talon_replies/gmail.eml"))
    automated = build_reply(original, from_address="support@shop.example", text="Hi")
    manual = build_reply(original, from_address="support@shop.example", text="Hi", auto_submitted=False)
    assert automated["Auto-Submitted"] == "auto-replied"
    assert automated["X-Auto-Response-Suppress"] == "All"
    assert manual["Auto-Submitted"] is None


def test_an_html_version_is_sent_as_an_alternative() -> None:
    original = parse_email(read_bytes("email/talon_replies/gmail.eml"))
    reply = build_reply(
        original, from_address="support@shop.example", from_name="Shop", text="Hi", html="<p>Hi</p>"
    )
    assert reply.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in reply.iter_parts()] == ["text/plain", "text/html"]
    assert reply["From"] == "Shop <support@shop.example>"


def test_the_reply_goes_to_the_reply_to_address_when_there_is_one() -> None:
    original = parse_email(read_bytes("email/mailparser_spamscope/mail_test_19.eml"))
    reply = build_reply(original, from_address="support@shop.example", text="Hi")
    assert reply["To"] == "ivan@example.com"


def test_a_message_without_message_id_is_answered_without_in_reply_to() -> None:
    original = parse_email(read_bytes("email/talon_replies/outlook.eml"))
    reply = build_reply(
        original, from_address="support@shop.example", text="Hi", message_id_domain="mx.example"
    )
    assert reply["In-Reply-To"] is None
    assert reply["References"] is None
    assert reply["Message-ID"].endswith("@mx.example>")


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Test", "Re: Test"),
        ("Re: Test", "Re: Test"),
        ("RE: Re: Test", "Re: Test"),
        ("AW: Bestellung", "Re: Bestellung"),
        ("Re[2]: Test", "Re: Test"),
        ("Fwd: Test", "Re: Fwd: Test"),
        ("", "Re: your message"),
        (None, "Re: your message"),
    ],
)
def test_the_reply_subject_has_one_re_prefix(subject: str | None, expected: str) -> None:
    assert reply_subject(subject) == expected


def test_long_threads_keep_the_root_and_the_latest_references() -> None:
    chain = [f"<m{index}@example.org>" for index in range(40)]
    references = reply_references("<m40@example.org>", chain)
    assert len(references) == MAX_REFERENCES
    assert references[0] == "<m0@example.org>"
    assert references[-1] == "<m40@example.org>"


def test_only_email_messages_can_be_answered_by_email() -> None:
    telegram = parse_telegram_update(telegram_examples()[1]["update"])
    with pytest.raises(ValueError, match="telegram"):
        build_reply(telegram, from_address="support@shop.example", text="Hi")
