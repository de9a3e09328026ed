from __future__ import annotations

from email.message import EmailMessage

import pytest

from parley.channels.email import parse_email
from parley.channels.email._mime import decode_bytes


def test_format_flowed_lines_are_joined_back_into_paragraphs() -> None:
    raw = (
        b"From: ada@example.org\r\nSubject: Flow\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: text/plain; charset="utf-8"; format=flowed\r\n\r\n'
        b"This line was wrapped by the \r\nclient at the soft break.\r\n\r\n> quoted \r\n> tail\r\n"
    )
    assert parse_email(raw).text == "This line was wrapped by the client at the soft break."


def test_delsp_removes_the_space_at_the_soft_break() -> None:
    raw = (
        b"From: ada@example.org\r\nSubject: Flow\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n"
        b"Donau \r\ndampf \r\nschiff\r\n"
    )
    assert parse_email(raw).text == "Donaudampfschiff"


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        ("naïve".encode(), "us-ascii", "naïve"),  # mislabelled UTF-8
        ("naïve".encode("cp1252"), "iso-8859-1", "naïve"),
        ("naïve".encode(), "x-unknown-charset", "naïve"),
        ("naïve".encode("cp1252"), None, "naïve"),
        (b"\x81\x8d", "utf-8", "\ufffd\ufffd"),
    ],
)
def test_text_decodes_despite_wrong_missing_or_unknown_charsets(
    data: bytes, charset: str | None, expected: str
) -> None:
    assert decode_bytes(data, charset) == expected


def test_an_unknown_charset_in_a_message_does_not_stop_parsing() -> None:
    message = EmailMessage()
    message["From"] = "ada@example.org"
    message["Subject"] = "=?x-klingon?q?tlhIngan?="
    message.set_content("Qapla'")
    raw = message.as_bytes().replace(b'charset="utf-8"', b'charset="x-klingon"')
    parsed = parse_email(raw)
    assert parsed.text == "Qapla'"
    assert parsed.subject
