"""E-mail as a channel: raw RFC 822 in, `InboundMessage` out, and threaded replies back.

Fetching (IMAP) and sending (SMTP) live elsewhere; this package only reads and writes messages.
"""

from parley.channels.email.classify import classify_automated
from parley.channels.email.parser import attachment_bytes, body_text, parse_email, parse_raw_email
from parley.channels.email.quotes import extract_new_text, strip_quoted_reply, strip_signature
from parley.channels.email.reply import build_reply, reply_subject
from parley.channels.email.thread_ids import conversation_root, parse_message_ids
from parley.core.html_text import html_to_text

__all__ = [
    "attachment_bytes",
    "body_text",
    "build_reply",
    "classify_automated",
    "conversation_root",
    "extract_new_text",
    "html_to_text",
    "parse_email",
    "parse_message_ids",
    "parse_raw_email",
    "reply_subject",
    "strip_quoted_reply",
    "strip_signature",
]
