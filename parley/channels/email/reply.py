"""Building the e-mail that answers a customer, threaded so their client shows it in the same conversation.

Clients thread by In-Reply-To and References (and some by a "Re:" subject), so a reply copies the
parent's chain, adds the parent, and keeps the root, which is also our conversation id. Replies are
marked ``Auto-Submitted: auto-replied`` (RFC 3834) and ask Exchange not to answer them with an
out-of-office notice, so two automated mailboxes cannot ping-pong forever.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from parley.channels.email.thread_ids import is_synthetic, reply_references
from parley.channels.inbound import Channel, InboundMessage
from parley.core.clock import utcnow

__all__ = ["build_reply", "reply_subject"]

_REPLY_PREFIXES = re.compile(r"^\s*((re|aw|sv|vs|antw|odp|ynt|ref|rif|res|atb)(\[\d+\])?\s*:\s*)+", re.I)


def reply_subject(subject: str | None) -> str:
    """``Re: <subject>``, without piling up prefixes (also AW:, SV: and other languages' forms)."""
    base = _REPLY_PREFIXES.sub("", subject or "").strip()
    return f"Re: {base}" if base else "Re: your message"


def _address(address: str, display_name: str | None) -> Address:
    local, _, domain = address.rpartition("@")
    return Address(display_name=display_name or "", username=local, domain=domain)


def build_reply(
    original: InboundMessage,
    *,
    from_address: str,
    text: str,
    html: str | None = None,
    from_name: str | None = None,
    message_id_domain: str | None = None,
    date: datetime | None = None,
    auto_submitted: bool = True,
) -> EmailMessage:
    """Build the `EmailMessage` answering ``original``, ready for the SMTP sender.

    Args:
        original: The parsed customer e-mail being answered.
        from_address: Our mailbox, e.g. ``support@shop.example``.
        text: The plain-text answer (always sent, for plain-text readers and as the fallback).
        html: An optional HTML rendering, sent as a multipart/alternative.
        from_name: Display name for From, e.g. the business's name.
        message_id_domain: Right-hand side of the new Message-ID; defaults to the From domain.
        date: The Date header; now by default.
        auto_submitted: Add the loop-prevention headers (turn off only for a person's manual reply).

    Raises:
        ValueError: ``original`` is not an e-mail or has no address to answer.

    """
    if original.channel != Channel.EMAIL:
        raise ValueError(f"cannot answer a {original.channel} message by e-mail")
    to_address = original.reply_address or original.sender.email
    if not to_address:
        raise ValueError("the original message has no sender address to reply to")
    reply = EmailMessage()
    reply["From"] = _address(from_address, from_name)
    to_name = original.sender.display_name if to_address == original.sender.email else None
    reply["To"] = _address(to_address, to_name)
    reply["Subject"] = reply_subject(original.subject)
    reply["Date"] = format_datetime(date or utcnow())
    domain = message_id_domain or from_address.rpartition("@")[2] or None
    reply["Message-ID"] = make_msgid(domain=domain)
    parent = original.external_message_id
    if not is_synthetic(parent):
        reply["In-Reply-To"] = parent
    references = reply_references(parent, original.references)
    if references:
        reply["References"] = " ".join(references)
    if auto_submitted:
        reply["Auto-Submitted"] = "auto-replied"
        reply["X-Auto-Response-Suppress"] = "All"
    reply.set_content(text)
    if html is not None:
        reply.add_alternative(html, subtype="html")
    return reply
