"""Defensive readers for MIME parts and headers, for mail that is not quite what the RFCs say.

Real mail mislabels charsets (GB2312 text using GBK characters, "us-ascii" bodies in UTF-8), breaks
encoded words and leaves raw 8-bit bytes in headers. The standard library handles most of it; these
helpers catch the rest so one odd message cannot stop the inbox, and strip lone surrogates so every
string stays JSON-safe.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.utils import getaddresses

__all__ = ["addresses", "clean", "decode_bytes", "header_text", "part_bytes", "part_text"]

_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}


def clean(text: str) -> str:
    """Make undecodable bytes (kept as surrogates by the email package) visible and JSON-safe."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = _CHARSET_ALIASES.get(charset.strip().strip('"').lower(), charset.strip().strip('"').lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode mail text whose label may be wrong or whose bytes may be damaged.

    The declared charset wins if the bytes fit it; else UTF-8 (the usual truth behind a wrong label);
    else the declared charset with replacement characters (a few damaged bytes should not turn a whole
    Cyrillic letter into mojibake); else Windows-1252, and Latin-1, which never fails.
    """
    declared = _codec(charset)
    attempts: list[tuple[str, str]] = [(declared, "strict")] if declared else []
    attempts.append(("utf-8", "strict"))
    if declared:
        attempts.append((declared, "replace"))
    attempts.append(("cp1252", "strict"))
    for codec, errors in attempts:
        try:
            return data.decode(codec, errors=errors)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


def _unflow(text: str, *, delsp: bool) -> str:
    """Undo RFC 3676 format=flowed: a line ending in a space continues on the next one."""
    lines: list[str] = []
    pending: tuple[int, str] | None = None

    def render(depth: int, content: str) -> str:
        return (">" * depth + " " + content) if depth else content

    for line in text.split("\n"):
        content = line.lstrip(">")
        depth = len(line) - len(content)
        content = content.removeprefix(" ")
        if pending is not None:
            if pending[0] == depth:
                content = pending[1] + content
            else:
                lines.append(render(*pending))
            pending = None
        if content.endswith(" ") and content != "-- ":
            pending = (depth, content[:-1] if delsp else content)
        else:
            lines.append(render(depth, content))
    if pending is not None:
        lines.append(render(*pending))
    return "\n".join(lines)


def part_bytes(part: Message) -> bytes:
    """Return the decoded content of a part; for ``message/*`` parts, the enclosed message as bytes."""
    try:
        if part.is_multipart():
            return b"\n".join(item.as_bytes() for item in part.get_payload())
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            return payload
        text = part.get_payload()
        return text.encode("utf-8", "surrogateescape") if isinstance(text, str) else b""
    except Exception:  # a part broken beyond what the email package tolerates reads as empty
        return b""


def part_text(part: Message) -> str:
    """Return a text part as a string, with CRLFs normalised and format=flowed undone."""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    text = decode_bytes(part_bytes(part), charset).replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_subtype() == "plain" and str(part.get_param("format", "")).lower() == "flowed":
        text = _unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return clean(text)


def _raw_header(message: Message, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return None


def header_text(message: Message, name: str) -> str | None:
    """Return a header's decoded value on one line, or None; broken encoded words stay raw."""
    try:
        value = message.get(name)
        text = None if value is None else str(value)
    except Exception:
        raw = _raw_header(message, name)
        try:
            text = None if raw is None else str(make_header(decode_header(raw)))
        except Exception:
            text = raw
    if text is None:
        return None
    return clean(re.sub(r"\s*\n\s*", " ", text)).strip()


_BRACKETED_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+)\s*>")


def _lenient_addresses(raw: str) -> list[tuple[str, str]]:
    """Split on commas outside quotes and brackets; in each item the bracketed address is the address."""
    items, current, quoted, depth = [], "", False, 0
    for char in raw:
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            depth += 1
        elif char == ">" and not quoted:
            depth = max(0, depth - 1)
        if char == "," and not quoted and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    pairs = []
    for item in items:
        match = _BRACKETED_ADDRESS.search(item)
        if match:
            pairs.append((item[: match.start()].strip().strip('"').strip(), match.group(1)))
        else:
            pairs.extend(getaddresses([item]))
    return pairs


def addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header; the address lower-cased, empty ones dropped.

    In ``alice@example.com <bob@example.com>`` the real address is Bob's; the strict parser picks
    Alice's, which is how spoofed mail impersonates a customer, so bracketed addresses win.
    """
    raw = _raw_header(message, name)
    if raw is not None:
        with contextlib.suppress(Exception):
            raw = str(make_header(decode_header(raw)))
        raw = clean(re.sub(r"\s*\n\s*", " ", raw))
    pairs: list[tuple[str, str]] = []
    try:
        header = message.get(name) if isinstance(message, EmailMessage) else None
        found: tuple[Address, ...] = getattr(header, "addresses", ())
        pairs = [(item.display_name, item.addr_spec) for item in found]
    except Exception:
        pairs = []
    bracketed = {item.lower() for item in _BRACKETED_ADDRESS.findall(raw or "")}
    if not pairs or (bracketed and any(address.lower() not in bracketed for _, address in pairs)):
        pairs = _lenient_addresses(raw) if raw else []
    return [(clean(display).strip(), clean(address).strip().lower()) for display, address in pairs if address]
