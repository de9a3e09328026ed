"""Reading a mailbox over IMAP with `imapclient`: unseen mail in, marked seen once stored.

`imapclient` is synchronous, so the worker runs these in a thread. Marking a message seen only after the
pipeline stored it means a crash re-reads it, and the pipeline's dedupe on Message-ID drops the repeat.
Where the server offers IDLE (RFC 2177), `wait_for_mail` lets the server say when mail arrives instead
of asking every few seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from imapclient import IMAPClient

__all__ = ["check_login", "fetch_unseen", "mark_seen", "wait_for_mail"]


@contextmanager
def _mailbox(config: dict[str, Any], password: str) -> Iterator[IMAPClient]:
    """A logged-in client on the account's folder; the socket is closed even when login fails."""
    with IMAPClient(
        config.get("imap_host", "127.0.0.1"),
        port=int(config.get("imap_port", 993)),
        ssl=bool(config.get("imap_ssl", True)),
        timeout=15,
    ) as client:
        client.login(config["imap_user"], password)
        client.select_folder(config.get("imap_folder", "INBOX"))
        yield client


def fetch_unseen(config: dict[str, Any], password: str, *, limit: int = 50) -> list[tuple[int, bytes]]:
    """The raw bytes of up to ``limit`` unseen messages, without marking them seen."""
    with _mailbox(config, password) as client:
        uids = sorted(client.search(["UNSEEN"]))[:limit]
        fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        return [(uid, fetched[uid][b"BODY[]"]) for uid in uids if uid in fetched]


def mark_seen(config: dict[str, Any], password: str, uids: list[int]) -> None:
    """Flag stored messages as seen, so the next poll skips them."""
    if not uids:
        return
    with _mailbox(config, password) as client:
        client.add_flags(uids, [b"\\Seen"])


def check_login(config: dict[str, Any], password: str) -> int:
    """Log in and open the folder, as every poll will; returns how many messages it holds."""
    with _mailbox(config, password) as client:
        return len(client.search(["ALL"]))


def wait_for_mail(config: dict[str, Any], password: str, timeout_s: float) -> bool | None:
    """IDLE until the folder changes or ``timeout_s`` passes: True on news, False on none, None without IDLE."""
    with _mailbox(config, password) as client:
        if b"IDLE" not in client.capabilities():
            return None
        if client.search(["UNSEEN"]):  # arrived after the last read, before this session: no EXISTS will come
            return True
        client.idle()
        try:
            responses = client.idle_check(timeout=timeout_s)
        finally:
            client.idle_done()
        return any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses)
