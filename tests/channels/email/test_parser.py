from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from parley.channels import Channel, IgnoreReason
from parley.channels.email import attachment_bytes, parse_email

from ..payloads import read_bytes

RECEIVED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _mail(body: str = "Hello, where is my order?", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Ada Lovelace <ada@example.org>")
    message["To"] = headers.pop("To", "support@shop.example")
    message["Subject"] = headers.pop("Subject", "Order 1234")
    message["Date"] = headers.pop("Date", format_datetime(datetime(2026, 2, 27, 9, 30, tzinfo=UTC)))
    message["Message-ID"] = headers.pop("Message_ID", "<m1@example.org>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def test_a_plain_message_gives_sender_subject_text_and_thread() -> None:
    message = parse_email(_mail())
    assert message.channel is Channel.EMAIL
    assert (message.sender.email, message.sender.display_name) == ("ada@example.org", "Ada Lovelace")
    assert message.sender.id == "ada@example.org"
    assert message.subject == "Order 1234"
    assert message.text == "Hello, where is my order?"
    assert message.external_message_id == "<m1@example.org>"
    assert message.external_conversation_id == "<m1@example.org>"
    assert message.recipient == "support@shop.example"
    assert message.timestamp == datetime(2026, 2, 27, 9, 30, tzinfo=UTC)
    assert message.should_answer


def test_a_reply_belongs_to_the_thread_of_its_first_reference() -> None:
    raw = _mail(In_Reply_To="<m2@shop.example>", References="<m0@example.org> <m2@shop.example>")
    message = parse_email(raw)
    assert message.external_conversation_id == "<m0@example.org>"
    assert message.reply_to == "<m2@shop.example>"
    assert message.references == ["<m0@example.org>", "<m2@shop.example>"]


def test_a_reply_with_only_in_reply_to_belongs_to_its_parents_thread() -> None:
    message = parse_email(read_bytes("email/talon_replies/yahoo.eml"))
    assert message.external_conversation_id == "<1333374262.7063.15.camel@mg5>"
    assert message.references == ["<1333374262.7063.15.camel@mg5>"]


def test_apple_mail_threading_headers_are_read() -> None:
    message = parse_email(read_bytes("email/talon_replies/apple_mail_2.eml"))
    root = "<CABzQGhkMXDxUt_tSVQcg=43aniUhtsVfCZVzu-PG0kwS_uzqMw@mail.gmail.com>"
    assert (message.external_conversation_id, message.reply_to) == (root, root)
    assert message.external_message_id == "<68001B29-8EA4-444C-A894-0537D2CA5208@tictail.com>"


def test_a_message_without_message_id_gets_a_stable_made_up_one() -> None:
    raw = read_bytes("email/talon_replies/outlook.eml")
    first, second = parse_email(raw), parse_email(raw)
    assert first.external_message_id == second.external_message_id
    assert first.external_message_id.endswith("@parley.invalid>")


def test_a_missing_date_falls_back_to_the_time_received() -> None:
    message = parse_email(read_bytes("email/talon_replies/outlook.eml"), received_at=RECEIVED)
    assert message.timestamp == RECEIVED


def test_gb2312_mail_decodes_subject_sender_and_body() -> None:
    message = parse_email(read_bytes("email/mailparser_spamscope/mail_test_12.eml"))
    assert message.subject == "代开各地增值税发票"
    assert message.sender.display_name == "张先生"
    assert message.text.startswith("你好！我公司可代开各类增值税发票")


def test_an_encoded_display_name_with_a_comma_stays_one_sender() -> None:
    message = parse_email(read_bytes("email/mailparser_spamscope/mail_test_18.eml"))
    assert (message.sender.display_name, message.sender.email) == (
        "LastßlName, FirstName",
        "comma.name@example.com",
    )


def test_a_display_name_that_looks_like_an_address_does_not_become_the_sender() -> None:
    message = parse_email(read_bytes("email/mailparser_spamscope/mail_test_19.eml"))
    assert message.sender.email == "bob@example.com"
    assert message.sender.display_name == "alice@example.com"
    assert message.reply_address == "ivan@example.com"


def test_html_only_mail_is_converted_to_readable_text() -> None:
    message = parse_email(read_bytes("email/mailparser_spamscope/mail_test_6.eml"))
    assert message.subject == "Быстрее вкладывайте в золото!"
    assert message.text.startswith("Профиль Сообщения Контакты Сообщества")
    assert "<" not in message.text
    assert "Ð" not in message.text  # a single damaged byte does not turn the letter into mojibake


def test_a_blank_plain_alternative_falls_back_to_the_html_one() -> None:
    message = parse_email(read_bytes("email/mailparser_spamscope/mail_test_17.eml"))
    assert message.text == "Test"


def test_multipart_alternative_prefers_the_plain_text() -> None:
    message = parse_email(read_bytes("email/talon_replies/outlook.eml"))
    assert message.text == "Hello"  # the HTML alternative says "Allo! Follow up MIME!"


def test_inline_images_are_listed_with_size_and_hash_and_readable_again() -> None:
    raw = read_bytes("email/mailparser_spamscope/mail_test_14.eml")
    message = parse_email(raw)
    assert message.text == "Plaintext here."
    [image] = message.attachments
    assert (image.content_type, image.size, image.inline) == ("image/png", 8, True)
    content = attachment_bytes(raw, image.content_ref or "")
    assert content == b"PNG here"
    assert image.sha256 == hashlib.sha256(content).hexdigest()


def test_a_named_text_part_is_an_attachment_not_body() -> None:
    message = parse_email(read_bytes("email/mailparser_spamscope/mail_test_3.eml"))
    assert message.text == "I am sending you the bills of the goods we delivered to you in the attachment"
    assert [(item.filename, item.content_type) for item in message.attachments] == [
        ("message.txt", "text/plain")
    ]


def test_html_related_images_are_inline_attachments() -> None:
    message = parse_email(read_bytes("email/mailparser_spamscope/mail_test_6.eml"))
    assert [item.content_type for item in message.attachments] == ["image/png"] * 4
    assert all(item.inline and item.size for item in message.attachments)


def test_an_unknown_attachment_reference_is_an_error() -> None:
    with pytest.raises(KeyError):
        attachment_bytes(read_bytes("email/mailparser_spamscope/mail_test_14.eml"), "mime:9")


def test_a_pdf_attachment_keeps_its_name_and_size() -> None:
    message = EmailMessage()
    message["From"] = "ada@example.org"
    message["To"] = "support@shop.example"
    message["Subject"] = "Invoice"
    message.set_content("Please see the invoice.")
    message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="Rechnung ä.pdf")
    parsed = parse_email(message.as_bytes())
    assert parsed.text == "Please see the invoice."
    [pdf] = parsed.attachments
    assert (pdf.filename, pdf.content_type, pdf.size, pdf.inline) == (
        "Rechnung ä.pdf",
        "application/pdf",
        13,
        False,
    )


def test_the_booking_reply_keeps_only_the_new_text_above_the_yahoo_share_block() -> None:
    message = parse_email(read_bytes("email/talon_replies/reply-quotations-share-block.eml"))
    assert message.text.startswith("Hi Katharine.")
    assert message.text.endswith("Joe XXX")
    assert "New Booking Inquiry" not in message.text
    assert "From:" not in message.text


def test_the_recipient_is_our_address_when_we_say_which_is_ours() -> None:
    raw = _mail(To="ada-friend@example.org, Support <support@shop.example>")
    assert parse_email(raw, own_addresses=["SUPPORT@shop.example"]).recipient == "support@shop.example"


def test_mail_from_our_own_address_is_ignored() -> None:
    raw = _mail(From="Support <support@shop.example>")
    message = parse_email(raw, own_addresses=["support@shop.example"])
    assert message.ignored_reason == IgnoreReason.OWN_MESSAGE


def test_the_raw_field_keeps_decoded_headers_and_parser_defects() -> None:
    message = parse_email(read_bytes("email/mailparser_spamscope/mail_test_17.eml"))
    headers = dict(message.raw["headers"])  # type: ignore[arg-type]
    assert headers["Subject"] == "Transferencia Interbancaria Banca en Línea"
    assert "CloseBoundaryNotFoundDefect" in message.raw["defects"]  # type: ignore[operator]


def test_a_forward_without_a_comment_keeps_the_forwarded_text() -> None:
    body = (
        "---------- Forwarded message ---------\nFrom: Bob <bob@example.com>\nSubject: Hi\n\n"
        "Can you help Bob?"
    )
    message = parse_email(_mail(body=body))
    assert "Can you help Bob?" in message.text
