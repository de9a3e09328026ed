from __future__ import annotations

from email.message import EmailMessage

import pytest

from parley.channels import IgnoreReason
from parley.channels.email import parse_email


def _mail(
    subject: str = "Question about my order", sender: str = "Ada <ada@example.org>", **headers: str
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@shop.example"
    message["Subject"] = subject
    message["Message-ID"] = "<q1@example.org>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("I am out of the office until Monday.")
    return message.as_bytes()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param(_mail(Auto_Submitted="auto-replied"), IgnoreReason.AUTO_REPLY, id="auto_submitted"),
        pytest.param(_mail(Auto_Submitted="auto-generated"), IgnoreReason.AUTO_REPLY, id="auto_generated"),
        pytest.param(_mail(X_Autoreply="yes"), IgnoreReason.AUTO_REPLY, id="x_autoreply"),
        pytest.param(_mail(X_Autorespond="Vacation"), IgnoreReason.AUTO_REPLY, id="x_autorespond"),
        pytest.param(_mail(Precedence="bulk"), IgnoreReason.BULK, id="precedence_bulk"),
        pytest.param(_mail(Precedence="junk"), IgnoreReason.BULK, id="precedence_junk"),
        pytest.param(_mail(Precedence="list"), IgnoreReason.MAILING_LIST, id="precedence_list"),
        pytest.param(_mail(List_Id="Shop news <news.shop.example>"), IgnoreReason.MAILING_LIST, id="list_id"),
        pytest.param(
            _mail(List_Unsubscribe="<mailto:unsub@news.example>"),
            IgnoreReason.MAILING_LIST,
            id="list_unsubscribe",
        ),
        pytest.param(_mail(sender="MAILER-DAEMON@mx.example.org"), IgnoreReason.BOUNCE, id="mailer_daemon"),
        pytest.param(_mail(Return_Path="<>"), IgnoreReason.BOUNCE, id="null_return_path"),
        pytest.param(
            _mail(subject="Automatic reply: Order 1234"), IgnoreReason.AUTO_REPLY, id="outlook_oof_subject"
        ),
        pytest.param(_mail(subject="Out of Office"), IgnoreReason.AUTO_REPLY, id="out_of_office_subject"),
        pytest.param(
            _mail(subject="Undeliverable: Order 1234"), IgnoreReason.BOUNCE, id="exchange_ndr_subject"
        ),
        pytest.param(_mail(X_Spam_Flag="YES"), IgnoreReason.SPAM, id="spam_flag"),
    ],
)
def test_mail_no_person_wrote_is_ignored_with_the_reason(raw: bytes, reason: IgnoreReason) -> None:
    message = parse_email(raw)
    assert message.ignored_reason == reason
    assert message.ignored_detail


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(_mail(Auto_Submitted="no"), id="auto_submitted_no"),
        pytest.param(_mail(subject="Auto reply settings in your app?"), id="auto_reply_as_a_topic"),
        pytest.param(_mail(subject="Out of office hours support"), id="out_of_office_hours"),
        pytest.param(_mail(X_Autoreply="no"), id="x_autoreply_no"),
    ],
)
def test_a_person_writing_about_auto_replies_is_still_answered(raw: bytes) -> None:
    assert parse_email(raw).should_answer


def _report(report_type: str) -> bytes:
    message = EmailMessage()
    message["From"] = "ada@example.org"
    message["To"] = "support@shop.example"
    message["Subject"] = "Read: Order 1234"
    message.set_content("Your message was read.")
    message.add_attachment(
        "Final-Recipient: rfc822; ada@example.org\n", subtype="plain", filename="report.txt"
    )
    boundary = message.get_boundary()
    message.replace_header(
        "Content-Type", f'multipart/report; report-type={report_type}; boundary="{boundary}"'
    )
    return message.as_bytes()


def test_a_read_receipt_is_ignored_as_a_receipt() -> None:
    message = parse_email(_report("disposition-notification"))
    assert message.ignored_reason == IgnoreReason.RECEIPT
    assert message.text == "Your message was read."


def test_a_delivery_status_report_is_a_bounce() -> None:
    assert parse_email(_report("delivery-status")).ignored_reason == IgnoreReason.BOUNCE
