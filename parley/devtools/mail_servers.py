"""Real mail servers for the e-mail round trip: a private dovecot (IMAP) and an aiosmtpd sink (SMTP).

Dovecot runs from Debian's binary with a generated configuration, its own ports and files, no system
service. Run by an ordinary user, every process runs as that user inside ``tmp_path``. Run by root,
dovecot refuses two things ("This process must not be run as root" for imap-login, "userdb returned 0 as
uid" for mail access), so it uses the package's unprivileged ``dovenull``/``dovecot`` users, and its files
go in a world-traversable temporary folder, because those users cannot enter pytest's 0700 ``tmp_path``.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from imapclient import IMAPClient

__all__ = ["DOVECOT", "Dovecot", "SmtpSink", "free_port"]

DOVECOT = Path("/usr/sbin/dovecot")

_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {mail_uid}
mail_location = maildir:{root}/mail/%u
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth-worker {{
  user = $default_internal_user
}}
"""


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd and dovecot need a fixed one, not 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Dovecot:
    """One private dovecot with one mailbox user; a context manager that starts and stops it."""

    tmp_path: Path
    user: str = "support"
    password: str = "imap-secret"
    port: int = field(default_factory=free_port)
    root: Path = field(init=False)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def __enter__(self) -> Dovecot:
        self.root = self._make_root()
        (self.root / "mail").mkdir()
        (self.root / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        (self.root / "dovecot.conf").write_text(_CONFIG.format(root=self.root, port=self.port, **_identity()))
        if os.geteuid() == 0:
            internal = pwd.getpwnam("dovecot")
            os.chown(self.root / "mail", internal.pw_uid, internal.pw_gid)
        log = (self.root / "dovecot.out").open("wb")
        self._process = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        try:
            self._wait_until_listening()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._process is not None:
            # The whole group at once: signalling only the master makes it wait up to 3 s for its children.
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
        if self.root != self.tmp_path / "dovecot":
            shutil.rmtree(self.root, ignore_errors=True)

    def _make_root(self) -> Path:
        if os.geteuid() != 0:
            root = self.tmp_path / "dovecot"
            root.mkdir()
            return root
        root = Path(tempfile.mkdtemp(prefix="parley-dovecot-"))
        root.chmod(0o755)
        return root

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.log()}")
            try:
                with self.client():
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not answer on port {self.port}: {self.log()}")

    def log(self) -> str:
        """What dovecot wrote, for failure messages."""
        parts = [self.root / name for name in ("dovecot.out", "dovecot.log")]
        return "\n".join(path.read_text(errors="replace") for path in parts if path.exists())

    def client(self) -> IMAPClient:
        """A logged-in IMAP client, INBOX selected (use it as a context manager)."""
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=5)
        client.login(self.user, self.password)
        client.select_folder("INBOX")
        return client

    def deliver(self, raw: bytes) -> None:
        """Put a message into INBOX, unseen, as an MTA's local delivery would."""
        with self.client() as client:
            client.append("INBOX", raw)

    def unseen(self) -> list[int]:
        """UIDs of the INBOX messages nobody has read yet."""
        with self.client() as client:
            return sorted(client.search(["UNSEEN"]))


def _identity() -> dict[str, Any]:
    """Who dovecot's helper processes and the mailbox run as (see the module docstring)."""
    if os.geteuid() == 0:
        internal, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
    else:
        internal = login = pwd.getpwuid(os.geteuid())
    return {
        "internal_user": internal.pw_name,
        "internal_group": grp.getgrgid(internal.pw_gid).gr_name,
        "login_user": login.pw_name,
        "mail_uid": internal.pw_uid,
        "mail_gid": internal.pw_gid,
    }


class _Collector:
    """aiosmtpd handler keeping every accepted message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


class SmtpSink:
    """An aiosmtpd server on a fixed free port that records what Parley sends."""

    def __init__(self) -> None:
        self.port = free_port()
        self._handler = _Collector()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[tuple[list[str], EmailMessage]]:
        """(envelope recipients, parsed message) of every accepted mail, in order."""
        return self._handler.messages

    def __enter__(self) -> SmtpSink:
        self._controller.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._controller.stop()
