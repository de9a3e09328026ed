from __future__ import annotations

import pytest

from parley.channels.email import extract_new_text, strip_quoted_reply, strip_signature


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(
            "Yes, Friday works.\n\nOn Mon, 2 Mar 2026 at 10:15, Shop Support <support@shop.example>\n"
            "wrote:\n\n> Does Friday work?",
            id="gmail_header_wrapped_over_two_lines",
        ),
        pytest.param(
            "Yes, Friday works.\n\n-----Original Message-----\nFrom: Shop <support@shop.example>\n"
            "Sent: Monday\n\nDoes Friday work?",
            id="outlook_original_message",
        ),
        pytest.param(
            "Yes, Friday works.\n\n________________________________\n"
            "From: Shop Support <support@shop.example>\nSent: Monday, March 2, 2026 10:15 AM\n"
            "To: Ada <ada@example.org>\nSubject: Delivery\n\nDoes Friday work?",
            id="outlook_web_header_block",
        ),
        pytest.param(
            "Yes, Friday works.\n\n*From:* Shop <support@shop.example>\n*Sent:* Monday\n*To:* Ada\n"
            "*Subject:* Delivery\n\nDoes Friday work?",
            id="bold_header_block_from_html_clients",
        ),
        pytest.param(
            "Yes, Friday works.\n\nAm 02.03.2026 um 10:15 schrieb Shop Support <support@shop.example>:\n"
            "> Passt Freitag?",
            id="german_header",
        ),
        pytest.param(
            "Yes, Friday works.\n\nLe lun. 2 mars 2026 à 10:15, Shop <support@shop.example> a écrit :\n"
            "> Vendredi ?",
            id="french_header",
        ),
        pytest.param(
            "Yes, Friday works.\n\n---------- Forwarded message ---------\n"
            "From: Bob <bob@example.com>\n\nOld text",
            id="gmail_forward_with_comment",
        ),
        pytest.param(
            "Yes, Friday works.\n\nBegin forwarded message:\n\nFrom: Bob\n\nOld text", id="apple_forward"
        ),
        pytest.param("Yes, Friday works.\n> Does Friday work?\n> Thanks", id="bare_quote_block"),
    ],
)
def test_the_new_text_is_found_above_each_clients_quotation(reply: str) -> None:
    assert strip_quoted_reply(reply) == "Yes, Friday works."


def test_inline_answers_keep_the_customers_lines_and_drop_the_quoted_ones() -> None:
    reply = "> Which size?\nLarge please.\n> Which colour?\nBlue."
    assert strip_quoted_reply(reply) == "Large please.\nBlue."


def test_a_bottom_posted_reply_keeps_the_text_under_the_quote() -> None:
    reply = "On 02/03/2026 10:15, Shop wrote:\n> Does Friday work?\n\nYes, Friday works."
    assert strip_quoted_reply(reply) == "Yes, Friday works."


def test_wrote_in_ordinary_prose_is_not_a_quotation_header() -> None:
    text = "My colleague wrote:\nwe need two more boxes.\nOn Monday I will confirm."
    assert strip_quoted_reply(text) == text


def test_a_from_line_in_prose_is_not_an_outlook_header() -> None:
    text = "From: the warehouse, I think.\nIt arrived broken."
    assert strip_quoted_reply(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks!\n\nSent from my iPhone", "Thanks!"),
        ("Thanks!\n\nGet Outlook for Android", "Thanks!"),
        ("Thanks!\n\nEnviado desde mi iPhone", "Thanks!"),
        ("Thanks!\n-- \nAda Lovelace\nAnalytical Engines Ltd\n+44 20 7946 0000", "Thanks!"),
        ("Thanks!\n--\nAda", "Thanks!"),
    ],
)
def test_signatures_are_removed(text: str, expected: str) -> None:
    assert strip_signature(text) == expected


def test_a_dash_line_far_from_the_end_is_not_a_signature() -> None:
    text = "Intro\n--\n" + "\n".join(f"line {index}" for index in range(20))
    assert strip_signature(text) == text


def test_sent_from_my_in_the_middle_of_a_long_message_is_kept() -> None:
    text = "Sent from my office yesterday:\n" + "\n".join(f"item {index}" for index in range(6))
    assert strip_signature(text) == text


def test_extracting_the_new_text_removes_quotes_then_the_signature() -> None:
    reply = (
        "Yes please.\n\nSent from my iPhone\n\n"
        "On Mar 2, 2026, at 10:15, Shop <s@shop.example> wrote:\n\n> Deliver?"
    )
    assert extract_new_text(reply) == "Yes please."


def test_windows_line_endings_are_handled() -> None:
    assert strip_quoted_reply("Yes.\r\n\r\n> old\r\n") == "Yes."
