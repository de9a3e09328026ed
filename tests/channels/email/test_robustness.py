"""Whatever bytes arrive in the mailbox, parsing returns a message and never raises."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.channels.email import parse_email

from ..payloads import email_manifest, read_bytes

CORPUS = [read_bytes(f"email/{entry['file']}") for entry in email_manifest() if entry["bytes"] < 20_000]


def _assert_storable(raw: bytes) -> None:
    message = parse_email(raw)
    json.loads(message.model_dump_json())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_parse_without_raising(raw: bytes) -> None:
    _assert_storable(raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), st.data())
def test_truncated_and_corrupted_corpus_mail_parses_without_raising(raw: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(raw)))
    position = data.draw(st.integers(min_value=0, max_value=max(cut - 1, 0)))
    noise = data.draw(st.binary(min_size=0, max_size=8))
    _assert_storable(raw[:position] + noise + raw[position + len(noise) : cut])


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\r\n\r\n",
        b"From: \r\nSubject: =?utf-8?b?broken\r\n\r\nbody",
        b"From: a@b\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n",
        b"From: a@b\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!",
        b"From: a@b\r\nDate: not a date\r\nMessage-ID: no brackets@here\r\n\r\nhi",
        b"From: \xff\xfe@\xc3\x28\r\nSubject: \xe9t\xe9\r\n\r\n\xe9t\xe9",
        b"From: a@b\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d\r\n\r\ninner",
    ],
    ids=[
        "empty",
        "blank",
        "broken_encoded_word",
        "unterminated_multipart",
        "bad_base64",
        "bad_date_and_id",
        "raw_8bit_headers",
        "message_rfc822_root",
    ],
)
def test_malformed_mail_parses_without_raising(raw: bytes) -> None:
    _assert_storable(raw)
