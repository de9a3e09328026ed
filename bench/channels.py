"""Channels under load: webhook acknowledgement latency, inbound throughput, and a duplicate storm.

Run from the repository root: ``.venv/bin/python -m bench.channels``. Prints a rich table and writes
``bench/results/channels.json``.

The real app (``create_app``) is driven in-process through ``httpx.ASGITransport`` (no socket between the
client and the app, so the numbers are Parley's own time), on a fresh SQLite database in a temporary folder,
with the demo shop, the packaged MiniLM embedder and the offline engine (no LLM configured). Replies go out
through the real clients to local stand-ins: ``FakeTwilio`` and ``FakeTelegram`` (``tests/fakes``), a
private Debian dovecot for IMAP and aiosmtpd for SMTP (``parley/devtools/mail_servers.py``). The channel
worker runs its loop (``channel_poll_s``), so e-mail arrives the way it does in production: appended to the
mailbox, read by the IMAP poll. Every customer is a new sender, so no burst coalesces two of them.

- ``ack.p95_ms``: WhatsApp and Telegram webhooks posted by ``--senders`` (6) concurrent clients, each posting
  a new customer's message 50 ms after its previous one was acknowledged, ``--per-sender`` (40) each, while
  ``parley channels work`` answers the earlier ones (far more arrive than it can answer, so it works
  throughout). Baselines, same run: turns in the API process, and a handler that answers before it
  acknowledges (the POST, then ``ChannelPipeline.answer`` of that conversation, awaited).
- ``inbound_per_s``: ``--messages`` customer messages, a third per channel, sent at once; messages
  acknowledged and stored per second (e-mail: stored by the IMAP poll), measured until the last is stored.
  ``answered_per_s`` is the agent's pace on the same messages, until the last reply was delivered.
- ``duplicates_answered`` / ``lost``: ``--storm`` messages per channel, each webhook posted three times
  concurrently (each mail appended three times); customers who got more than one reply, and none.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from parley.agent.conversations.models import Conversation
from parley.agent.service import AgentService
from parley.api.app import create_app
from parley.channels.accounts import AccountSecrets, create_account
from parley.channels.models import InboundReceipt
from parley.channels.worker import ChannelWorker
from parley.core.migrate import upgrade
from parley.core.settings import Settings
from parley.demo.seed import seed_actor, seed_demo
from parley.devtools.fake_telegram import FakeTelegram
from parley.devtools.fake_twilio import FakeTwilio
from parley.devtools.mail_servers import Dovecot, SmtpSink
from parley.knowledge.embeddings import get_embedder
from parley.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "channels.json"
BASE = "http://127.0.0.1:8000"
OUR_NUMBER = "whatsapp:+14155238886"
AUTH_TOKEN = "bench-auth-token"
BOT_SECRET = "bench-webhook-secret"
MAILBOX = "support@shop.example"
GOAL_ACK_P95_MS = 50.0
QUESTIONS = (
    "What are your opening hours?",
    "Do you ship to Austria?",
    "Do you have 6061 aluminium plate 10 mm?",
    "How long does delivery take?",
)
console = Console(width=140)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(_pct(values, 0.50), 1),
        "p95": round(_pct(values, 0.95), 1),
        "mean": round(statistics.fmean(values), 1) if values else float("nan"),
        "max": round(max(values), 1) if values else float("nan"),
        "n": len(values),
    }


@dataclass
class Bench:
    """The app, its worker and the three providers' stand-ins, with one account each."""

    http: httpx.AsyncClient
    runtime: Runtime
    worker: ChannelWorker
    tenant_id: uuid.UUID
    telegram_account: uuid.UUID
    twilio: FakeTwilio
    telegram: FakeTelegram
    dovecot: Dovecot
    smtp: SmtpSink
    _ids: int = 0

    def next_id(self) -> int:
        """A number no earlier message of this run used (message ids, senders, chats)."""
        self._ids += 1
        return self._ids

    async def whatsapp(self, sender: int, text: str, *, sid: str | None = None) -> httpx.Response:
        """Post one signed Twilio WhatsApp webhook from customer number ``sender``."""
        form = {
            "MessageSid": sid or f"SM{uuid.uuid4().hex}",
            "AccountSid": "AC" + "0" * 32,
            "From": f"whatsapp:+1500{sender:07d}",
            "To": OUR_NUMBER,
            "Body": text,
            "NumMedia": "0",
            "WaId": f"1500{sender:07d}",
            "ProfileName": f"Customer {sender}",
        }
        url = f"{BASE}/api/v1/webhooks/whatsapp"
        signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
        return await self.http.post(url, data=form, headers={"X-Twilio-Signature": signature})

    async def telegram_update(self, chat: int, text: str, *, update_id: int | None = None) -> httpx.Response:
        """Post one Telegram message update from private chat ``chat``."""
        number = update_id or self.next_id()
        user = {"id": chat, "is_bot": False, "first_name": f"Customer {chat}"}
        update = {
            "update_id": number,
            "message": {
                "message_id": number,
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private", "first_name": user["first_name"]},
                "from": user,
                "text": text,
            },
        }
        return await self.http.post(
            f"{BASE}/api/v1/webhooks/telegram",
            params={"account": str(self.telegram_account)},
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": BOT_SECRET},
        )

    def mail(self, sender: int, text: str) -> bytes:
        """A customer's mail to the support mailbox, as an MTA would store it."""
        message = EmailMessage()
        message["From"] = f"Customer {sender} <customer{sender}@mail.example>"
        message["To"] = f"Demo Shop <{MAILBOX}>"
        message["Subject"] = f"Question {sender}"
        message["Message-ID"] = f"<bench-{sender}-{uuid.uuid4().hex[:8]}@mail.example>"
        message.set_content(text)
        return message.as_bytes()

    async def stored(self) -> int:
        """Inbound messages stored so far."""
        async with self.runtime.db.session(self.tenant_id) as session:
            return int(await session.scalar(select(func.count()).select_from(InboundReceipt)) or 0)

    def replies(self) -> Counter[str]:
        """Replies delivered so far, per customer (WhatsApp number, Telegram chat, mail address)."""
        counts: Counter[str] = Counter()
        counts.update(f"wa:{sent['To']}" for sent in self.twilio.sent)
        counts.update(f"tg:{sent['chat_id']}" for sent in self.telegram.sent)
        counts.update(f"mail:{rcpt}" for rcpts, _mail in self.smtp.received for rcpt in rcpts)
        return counts

    async def wait_until(self, done: Callable[[], Awaitable[bool]], timeout: float = 600) -> float:
        """Poll until ``done``; returns the seconds it took."""
        started = time.perf_counter()
        while not await done():
            if time.perf_counter() - started > timeout:
                raise TimeoutError("the channels did not settle")
            await asyncio.sleep(0.05)
        return time.perf_counter() - started


def _environment(folder: Path, *, answer_in_api: bool) -> dict[str, str]:
    """The settings of both processes, as ``PARLEY_*`` variables."""
    return {
        "PARLEY_ENVIRONMENT": "development",
        "PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'parley.db'}",
        "PARLEY_DATA_DIR": str(folder),
        "PARLEY_PUBLIC_BASE_URL": BASE,
        "PARLEY_CHANNEL_BURST_WINDOW_S": "0.2",
        "PARLEY_CHANNEL_POLL_S": "0.1",
        "PARLEY_OUTBOX_BACKOFF_S": "0.05",
        "PARLEY_RATE_LIMIT_DEFAULT": "1000000/minute",
        "PARLEY_LOG_LEVEL": "WARNING",
        "PARLEY_CHANNEL_ANSWER_IN_API": str(answer_in_api).lower(),
    }


async def _setup(
    folder: Path, servers: tuple[FakeTwilio, FakeTelegram, Dovecot, SmtpSink], *, answer_in_api: bool
) -> Bench:
    twilio, telegram, dovecot, smtp = servers
    environment = _environment(folder, answer_in_api=answer_in_api)
    await asyncio.to_thread(upgrade, environment["PARLEY_DATABASE_URL"])
    settings = Settings(
        **{key.removeprefix("PARLEY_").lower(): value for key, value in environment.items()},
        _env_file=None,
    )
    runtime = Runtime.build(settings, embedder=get_embedder())
    tenant_id = await seed_demo(runtime.db)
    vault = AccountSecrets.from_settings(settings)
    accounts: dict[str, Any] = {
        "whatsapp": (
            OUR_NUMBER,
            {"account_sid": "AC" + "0" * 32, "api_base_url": twilio.base_url},
            {"auth_token": AUTH_TOKEN},
        ),
        "telegram": (
            "parley_test_bot",
            {"api_base_url": telegram.base_url},
            {"bot_token": "4242:bench", "webhook_secret": BOT_SECRET},
        ),
        "email": (
            MAILBOX,
            {
                "imap_host": "127.0.0.1",
                "imap_port": dovecot.port,
                "imap_ssl": False,
                "imap_user": dovecot.user,
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp.port,
                "from_name": "Demo Shop",
            },
            {"imap_password": dovecot.password},
        ),
    }
    ids = {}
    async with runtime.db.transaction(tenant_id) as session:
        for channel, (address, config, secrets) in accounts.items():
            row = await create_account(
                session,
                seed_actor(tenant_id),
                vault=vault,
                channel=channel,
                name=channel,
                address=address,
                config=config,
                secrets=secrets,
            )
            ids[channel] = row.id
    agent = AgentService(runtime, embedder=runtime.knowledge.embedder)
    await agent.warm_up()
    app = create_app(runtime=runtime, agent=agent)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)
    worker: ChannelWorker = app.state.channels
    return Bench(http, runtime, worker, tenant_id, ids["telegram"], twilio, telegram, dovecot, smtp)


async def _settle(bench: Bench, customers: int) -> float:
    """Wait until ``customers`` customers have a reply and the pipeline is idle; returns the seconds."""

    async def done() -> bool:
        return len(bench.replies()) >= customers and not bench.worker.pipeline.busy

    return await bench.wait_until(done)


async def run_ack(bench: Bench, *, senders: int, per_sender: int) -> dict[str, Any]:
    """Acknowledgement latency while the agent works, and the answer-first baseline."""
    before = len(bench.replies())
    await bench.whatsapp(bench.next_id(), QUESTIONS[0])  # first requests (imports, clients) not measured
    await bench.telegram_update(bench.next_id(), QUESTIONS[0])
    await _settle(bench, before + 2)
    before = len(bench.replies())
    latencies: list[float] = []

    async def client(slot: int) -> None:
        for turn in range(per_sender):
            customer = bench.next_id()
            text = QUESTIONS[turn % len(QUESTIONS)]
            started = time.perf_counter()
            if slot % 2:
                response = await bench.telegram_update(customer, text)
            else:
                response = await bench.whatsapp(customer, text)
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
            await asyncio.sleep(0.05)  # a new customer writes every ~50 ms per client

    await asyncio.gather(*(client(slot) for slot in range(senders)))
    await _settle(bench, before + senders * per_sender)
    return {"ack_ms": _summary(latencies)}


async def run_answer_first(bench: Bench, *, senders: int, per_sender: int) -> dict[str, float]:
    """A handler that runs the turn before it acknowledges: the POST, then the turn, awaited."""
    baseline: list[float] = []

    async def answering_client() -> None:
        for turn in range(per_sender):
            customer = bench.next_id()
            started = time.perf_counter()
            response = await bench.telegram_update(customer, QUESTIONS[turn % len(QUESTIONS)])
            assert response.status_code == 200, response.text
            async with bench.runtime.db.session(bench.tenant_id) as session:
                conversation = await session.scalar(
                    select(Conversation.id).where(Conversation.external_id == str(customer))
                )
            assert conversation is not None
            await bench.worker.pipeline.answer(bench.tenant_id, conversation)
            baseline.append((time.perf_counter() - started) * 1000)

    before = len(bench.replies())
    await asyncio.gather(*(answering_client() for _ in range(senders)))
    await _settle(bench, before + senders * per_sender)
    return _summary(baseline)


async def run_throughput(bench: Bench, *, messages: int) -> dict[str, Any]:
    """A third of the messages per channel, all at once; stored/s and answered/s."""
    per_channel = messages // 3
    stored_before, replied_before = await bench.stored(), len(bench.replies())
    mails = [bench.mail(bench.next_id(), QUESTIONS[i % len(QUESTIONS)]) for i in range(per_channel)]
    await asyncio.to_thread(lambda: [bench.dovecot.deliver(raw) for raw in mails])
    started = time.perf_counter()
    posts = [bench.whatsapp(bench.next_id(), QUESTIONS[i % len(QUESTIONS)]) for i in range(per_channel)]
    posts += [
        bench.telegram_update(bench.next_id(), QUESTIONS[i % len(QUESTIONS)]) for i in range(per_channel)
    ]
    answers = await asyncio.gather(*posts)
    assert all(answer.status_code == 200 for answer in answers)
    webhooks_s = time.perf_counter() - started

    async def all_stored() -> bool:
        return await bench.stored() - stored_before >= 3 * per_channel

    await bench.wait_until(all_stored)
    stored_s = time.perf_counter() - started
    await _settle(bench, replied_before + 3 * per_channel)
    answered_s = time.perf_counter() - started
    return {
        "messages": 3 * per_channel,
        "webhooks_acknowledged_s": round(webhooks_s, 2),
        "stored_s": round(stored_s, 2),
        "inbound_per_s": round(3 * per_channel / stored_s, 1),
        "answered_s": round(answered_s, 2),
        "answered_per_s": round(3 * per_channel / answered_s, 2),
    }


async def run_storm(bench: Bench, *, per_channel: int) -> dict[str, Any]:
    """Every delivery three times, concurrently; who got two replies, who got none."""
    before = bench.replies()
    expected: list[str] = []
    posts = []
    mails = []
    for i in range(per_channel):
        text = QUESTIONS[i % len(QUESTIONS)]
        sender, sid = bench.next_id(), f"SM{uuid.uuid4().hex}"
        expected.append(f"wa:whatsapp:+1500{sender:07d}")
        posts += [bench.whatsapp(sender, text, sid=sid) for _ in range(3)]
        chat, update_id = bench.next_id(), bench.next_id()
        expected.append(f"tg:{chat}")
        posts += [bench.telegram_update(chat, text, update_id=update_id) for _ in range(3)]
        sender = bench.next_id()
        expected.append(f"mail:customer{sender}@mail.example")
        mails += [bench.mail(sender, text)] * 3
    started = time.perf_counter()
    await asyncio.to_thread(lambda: [bench.dovecot.deliver(raw) for raw in mails])
    answers = await asyncio.gather(*posts)
    rejected = sum(answer.status_code != 200 for answer in answers)
    with contextlib.suppress(TimeoutError):  # whoever got no reply is counted as lost below
        await _settle(bench, len(before) + len(expected))
    await asyncio.sleep(
        2 * bench.runtime.settings.channel_poll_s + 0.5
    )  # a late second reply would show here
    replies = bench.replies() - before
    return {
        "customers": len(expected),
        "deliveries": 3 * len(expected),
        "rejected_deliveries": rejected,
        "seconds": round(time.perf_counter() - started, 2),
        "duplicates_answered": sum(replies[who] > 1 for who in expected),
        "lost": sum(replies[who] == 0 for who in expected),
    }


async def run_separate(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every part with the recommended set-up: the API stores, ``parley channels work`` answers."""
    with FakeTwilio() as twilio, FakeTelegram() as telegram, Dovecot(folder) as dovecot, SmtpSink() as smtp:
        bench = await _setup(folder, (twilio, telegram, dovecot, smtp), answer_in_api=False)
        worker = subprocess.Popen(
            [sys.executable, "-m", "parley", "channels", "work"],
            env={**os.environ, **_environment(folder, answer_in_api=False)},
            cwd=ROOT,
        )
        try:
            ack = await run_ack(bench, senders=args.senders, per_sender=args.per_sender)
            throughput = await run_throughput(bench, messages=args.messages)
            storm = await run_storm(bench, per_channel=args.storm)
        finally:
            worker.send_signal(signal.SIGINT)  # Ctrl-C: the worker closes its connections
            worker.wait(timeout=30)
            await bench.http.aclose()
            await bench.worker.aclose()
            await bench.runtime.close()
    return {"ack": ack, "throughput": throughput, "storm": storm}


async def run_in_process(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The baselines: the agent in the API process, and answering before acknowledging."""
    with FakeTwilio() as twilio, FakeTelegram() as telegram, Dovecot(folder) as dovecot, SmtpSink() as smtp:
        bench = await _setup(folder, (twilio, telegram, dovecot, smtp), answer_in_api=True)
        bench.worker.start()
        try:
            ack = await run_ack(bench, senders=args.senders, per_sender=args.per_sender)
            first = await run_answer_first(bench, senders=args.senders, per_sender=args.per_sender)
        finally:
            await bench.http.aclose()
            await bench.worker.aclose()
            await bench.runtime.close()
    return {"ack_ms": ack["ack_ms"], "answer_first_ms": first}


def print_report(result: dict[str, Any]) -> None:
    """The table of the README."""
    details = result["details"]
    ack, throughput, storm = details["ack"]["ack_ms"], details["throughput"], details["storm"]
    in_process, first = details["in_process"]["ack_ms"], details["in_process"]["answer_first_ms"]
    table = Table(title="Channels: httpx ASGI into the app, SQLite, MiniLM, offline engine, fake providers")
    for column in ("metric", "p50", "p95", "goal"):
        table.add_column(column, justify="right" if column != "metric" else "left")
    table.add_row(
        f"ack ms, turns in `parley channels work` ({ack['n']} webhooks)",
        f"{ack['p50']:.1f}",
        f"{ack['p95']:.1f}",
        f"<= {GOAL_ACK_P95_MS:.0f}",
    )
    table.add_row(
        "baseline: ack ms, turns in the API process",
        f"{in_process['p50']:.0f}",
        f"{in_process['p95']:.0f}",
        "",
    )
    table.add_row("baseline: answer, then acknowledge (ms)", f"{first['p50']:.0f}", f"{first['p95']:.0f}", "")
    console.print(table)
    table = Table(title="Throughput and duplicate storm (turns in `parley channels work`)")
    for column in ("metric", "measured", "goal"):
        table.add_column(column)
    table.add_row(
        f"inbound_per_s: {throughput['messages']} at once over 3 channels, stored",
        f"{result['inbound_per_s']:.1f}",
        "(reported)",
    )
    webhooks = 2 * throughput["messages"] // 3
    table.add_row(
        f"  of which the {webhooks} webhooks: acknowledged per second",
        f"{webhooks / throughput['webhooks_acknowledged_s']:.1f}",
        "",
    )
    table.add_row(
        "  answered and delivered per second, same messages", f"{throughput['answered_per_s']:.2f}", ""
    )
    table.add_row(
        f"duplicates_answered: {storm['customers']} customers, each delivery x 3",
        str(result["duplicates_answered"]),
        "0",
    )
    table.add_row("lost", str(result["lost"]), "0")
    console.print(table)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="Measure the channels: acknowledgement, throughput, dedupe.")
    parser.add_argument("--senders", type=int, default=6, help="concurrent webhook clients")
    parser.add_argument(
        "--per-sender",
        type=int,
        default=40,
        help="new customers per client (6 x 40 = 240 webhooks: 60 were too few for a stable p95)",
    )
    parser.add_argument("--messages", type=int, default=90, help="messages of the throughput part")
    parser.add_argument("--storm", type=int, default=10, help="customers per channel in the storm")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        folders = Path(tmp) / "separate", Path(tmp) / "in_process"
        for folder in (Path(tmp), *folders):
            folder.mkdir(exist_ok=True)
            folder.chmod(0o755)
        details = asyncio.run(run_separate(folders[0], args))
        details["in_process"] = asyncio.run(run_in_process(folders[1], args))
    result = {
        "ack.p95_ms": details["ack"]["ack_ms"]["p95"],
        "inbound_per_s": details["throughput"]["inbound_per_s"],
        "duplicates_answered": details["storm"]["duplicates_answered"],
        "lost": details["storm"]["lost"],
        "details": {
            "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - started, 1),
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in load],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "transport": "httpx.ASGITransport (in-process, no socket)",
            "setup": "API with PARLEY_CHANNEL_ANSWER_IN_API=false and one `parley channels work` process; "
            "in_process: the same with turns in the API process",
            **details,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print_report(result)
    console.print(f"wrote {RESULTS.relative_to(ROOT)} in {result['details']['seconds']} s")
    return result


if __name__ == "__main__":
    main()
