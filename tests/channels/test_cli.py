from __future__ import annotations

import json
import warnings

# typer 0.19 re-exports click.utils.get_binary_stream/get_text_stream, which click 8.5 deprecates; under
# filterwarnings=error its import fails. Scoped here until pyproject ignores it for the whole suite.
with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message=r"'click\.utils\.get_\w+_stream' is deprecated", category=DeprecationWarning
    )
    from typer.testing import CliRunner

    from parley.channels.cli import channels_app

from .payloads import DATA

runner = CliRunner()


def test_parse_email_prints_the_new_text_and_thread_as_json() -> None:
    result = runner.invoke(channels_app, ["parse-email", str(DATA / "email/talon_replies/apple_mail_2.eml")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["text"] == "Hello"
    assert summary["sender"] == {"address": "adam@tictail.com", "name": "Adam Renberg"}
    assert summary["subject"] == "Re: Hello there"
    assert summary["message_id"] == "<68001B29-8EA4-444C-A894-0537D2CA5208@tictail.com>"
    assert summary["conversation_id"] == summary["in_reply_to"]
    assert summary["attachments"] == []
    assert summary["ignored_reason"] is None


def test_parse_email_shows_why_a_bounce_is_ignored() -> None:
    result = runner.invoke(
        channels_app, ["parse-email", str(DATA / "email/mailparser_spamscope/mail_malformed_2.eml")]
    )
    summary = json.loads(result.stdout)
    assert summary["ignored_reason"] == "bounce"
    assert [item["content_type"] for item in summary["attachments"]] == [
        "message/delivery-status",
        "message/rfc822-headers",
    ]


def test_parse_email_keeps_non_ascii_text_readable() -> None:
    result = runner.invoke(
        channels_app, ["parse-email", str(DATA / "email/mailparser_spamscope/mail_test_12.eml")]
    )
    assert "代开各地增值税发票" in result.stdout


def test_parse_email_marks_mail_from_our_own_address() -> None:
    path = DATA / "email/talon_replies/gmail.eml"
    result = runner.invoke(channels_app, ["parse-email", str(path), "--own-address", "xxx@gmail.com"])
    assert json.loads(result.stdout)["ignored_reason"] == "own_message"


def test_parse_email_refuses_a_missing_file() -> None:
    result = runner.invoke(channels_app, ["parse-email", str(DATA / "email/nope.eml")])
    assert result.exit_code == 2


def test_the_channels_app_lists_its_commands() -> None:
    result = runner.invoke(channels_app, ["--help"])
    assert result.exit_code == 0
    assert "parse-email" in result.stdout
