"""Raw RFC 822 mail to an `InboundMessage`: sender, thread, the new text, attachments, and whether to answer.

The standard `email` package with ``policy.default`` does the MIME work (encoded words, charsets,
multipart trees); this module decides what a support agent needs from it. The body is the text/plain
alternative when there is one (what the sender's client wrote for plain readers), else the HTML converted
to text. Attachments are described, not copied: ``content_ref`` (``mime:1.2``) locates the part in the raw
message, which the pipeline stores anyway, and `attachment_bytes` reads it back.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

from pydantic import JsonValue

from parley.channels.email._mime import addresses, clean, header_text, part_bytes, part_text
from parley.channels.email.classify import classify_automated
from parley.channels.email.quotes import extract_new_text
from parley.channels.email.thread_ids import conversation_root, parse_message_ids, synthetic_message_id
from parley.channels.inbound import Attachment, Channel, IgnoreReason, InboundMessage, Sender
from parley.core.clock import utcnow
from parley.core.html_text import html_to_text

__all__ = ["attachment_bytes", "body_text", "parse_email", "parse_raw_email"]

_ROOT_PATH = "0"


def parse_raw_email(raw: bytes) -> Message:
    """Parse bytes with ``policy.default``; the parser records defects instead of raising on bad mail."""
    return BytesParser(policy=policy.default).parsebytes(raw)


def _walk(part: Message, path: str) -> Iterator[tuple[str, Message, Message | None]]:
    """(path, part, parent) of every leaf; ``message/*`` parts are leaves (an attached mail is one file)."""
    if part.get_content_maintype() == "multipart" and part.is_multipart():
        for index, child in enumerate(part.get_payload(), start=1):
            if isinstance(child, Message):
                child_path = f"{path}.{index}" if path != _ROOT_PATH else str(index)
                for leaf_path, leaf, parent in _walk(child, child_path):
                    yield leaf_path, leaf, parent if parent is not None else part
    else:
        yield path, part, None


def _leaves(message: Message) -> list[tuple[str, Message, Message | None]]:
    return list(_walk(message, _ROOT_PATH))


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        return None
    return clean(name) if name else None


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _is_body_candidate(part: Message) -> bool:
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and _disposition(part) != "attachment"
        and _filename(part) is None
    )


def _get_body(message: Message, preference: tuple[str, ...]) -> Message | None:
    try:
        body = message.get_body(preferencelist=preference)  # type: ignore[attr-defined]
    except Exception:
        return None
    return body if body is not None and body.get_content_type() in ("text/plain", "text/html") else None


def _find_body(message: Message, leaves: list[tuple[str, Message, Message | None]]) -> Message | None:
    """Pick the text/plain alternative, unless it is blank and the HTML one has the words."""
    body = _get_body(message, ("plain", "html"))
    if body is not None and body.get_content_type() == "text/plain" and not part_text(body).strip():
        body = _get_body(message, ("html",)) or body
    if body is not None:
        return body
    candidates = [part for _, part, _ in leaves if _is_body_candidate(part)]
    plain = [part for part in candidates if part.get_content_type() == "text/plain"]
    return (plain or candidates or [None])[0]


def body_text(part: Message | None) -> str:
    """Return the readable text of a body part (HTML converted), quotes and signature still in."""
    if part is None:
        return ""
    text = part_text(part)
    return html_to_text(text) if part.get_content_type() == "text/html" else text.strip("\n")


def _attachments(leaves: list[tuple[str, Message, Message | None]], body: Message | None) -> list[Attachment]:
    body_parent = next((parent for _, part, parent in leaves if part is body), None)
    found = []
    for path, part, parent in leaves:
        if part is body:
            continue
        if _is_body_candidate(part) and (
            parent is body_parent
            or (parent is not None and parent.get_content_type() == "multipart/alternative")
        ):
            continue  # another rendering of the body, not a file
        data = part_bytes(part)
        found.append(
            Attachment(
                filename=_filename(part),
                content_type=part.get_content_type(),
                size=len(data),
                content_ref=f"mime:{path}",
                sha256=hashlib.sha256(data).hexdigest(),
                inline=_disposition(part) == "inline"
                or (bool(header_text(part, "Content-ID")) and not _filename(part)),
            )
        )
    return found


def attachment_bytes(raw: bytes, content_ref: str) -> bytes:
    """Return the decoded content of attachment ``content_ref`` (from `parse_email`) in ``raw``.

    Raises:
        KeyError: No part has that reference.

    """
    for path, part, _ in _leaves(parse_raw_email(raw)):
        if f"mime:{path}" == content_ref:
            return part_bytes(part)
    raise KeyError(content_ref)


def _timestamp(message: Message, fallback: datetime) -> datetime:
    value = header_text(message, "Date")
    try:
        parsed = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None:
        return fallback
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)  # "-0000": zone unknown


def _recipient(message: Message, own: Collection[str]) -> str | None:
    seen = [address for name in ("Delivered-To", "To", "Cc") for _, address in addresses(message, name)]
    ours = [address for address in seen if address in own]
    return (ours or [address for _, address in addresses(message, "To")] or [None])[0]


def _raw_headers(message: Message) -> dict[str, JsonValue]:
    headers: list[JsonValue] = []
    for name in dict.fromkeys(key for key, _ in message.raw_items()):
        value = header_text(message, name)
        if value is not None:
            headers.append([name, value])
    defects: list[JsonValue] = [type(defect).__name__ for defect in message.defects]
    return {"headers": headers, "defects": defects}


def parse_email(
    raw: bytes,
    *,
    own_addresses: Collection[str] = (),
    tenant_id: uuid.UUID | None = None,
    received_at: datetime | None = None,
) -> InboundMessage:
    """Turn one raw message into an `InboundMessage` whose ``text`` is only what the sender just wrote.

    ``external_message_id`` is the Message-ID (made up from a hash of the bytes if missing), and
    ``external_conversation_id`` the root of its References chain. Auto-replies, bounces, read
    receipts, list and bulk mail, and mail from ``own_addresses`` are parsed too but carry an
    ``ignored_reason``. When stripping leaves nothing (a bare forward), the whole body is kept.

    Args:
        raw: The message exactly as received (IMAP ``RFC822`` or the SMTP DATA).
        own_addresses: Our mailbox addresses; they pick the recipient and mark looped-back mail.
        tenant_id: Set by the caller that knows which mailbox this came from.
        received_at: Used when the Date header is missing or unreadable.

    """
    message = parse_raw_email(raw)
    own = frozenset(address.lower() for address in own_addresses)
    leaves = _leaves(message)
    body = _find_body(message, leaves)
    full_text = body_text(body)
    text = extract_new_text(full_text) or full_text.strip()

    message_id = (parse_message_ids(header_text(message, "Message-ID")) or [synthetic_message_id(raw)])[0]
    in_reply_to = parse_message_ids(header_text(message, "In-Reply-To"))
    references = parse_message_ids(header_text(message, "References"))
    if not references and len(in_reply_to) == 1:
        references = list(in_reply_to)  # RFC 5322 3.6.4: the parent's In-Reply-To stands in

    senders = addresses(message, "From") or addresses(message, "Sender") or addresses(message, "Return-Path")
    display_name, sender_address = senders[0] if senders else ("", "")
    reply_to = [address for _, address in addresses(message, "Reply-To")]
    subject = header_text(message, "Subject")
    verdict = classify_automated(message, sender=sender_address or None, subject=subject, own_addresses=own)
    if verdict is None and not text and not sender_address:
        verdict = IgnoreReason.EMPTY, "no sender and no text"
    return InboundMessage(
        tenant_id=tenant_id,
        channel=Channel.EMAIL,
        external_conversation_id=conversation_root(message_id, in_reply_to, references),
        external_message_id=message_id,
        sender=Sender(
            id=sender_address or "unknown",
            display_name=display_name or None,
            email=sender_address or None,
        ),
        recipient=_recipient(message, own),
        reply_address=reply_to[0] if reply_to and reply_to[0] != sender_address else None,
        text=text,
        attachments=_attachments(leaves, body),
        reply_to=in_reply_to[0] if in_reply_to else None,
        timestamp=_timestamp(message, received_at or utcnow()),
        subject=subject,
        references=references,
        raw=_raw_headers(message),
        ignored_reason=verdict[0] if verdict else None,
        ignored_detail=verdict[1] if verdict else None,
    )
