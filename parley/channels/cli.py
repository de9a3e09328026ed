"""``parley channels ...``: see what a channel makes of a payload, and run the channel worker.

``parse-email`` needs no server or database: when a customer says "your bot ignored my mail", feed it the
raw message and read the new text, thread ids and ignore reason Parley derived. ``work`` is the channel
worker as its own process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from parley.channels.email import parse_email
from parley.channels.inbound import InboundMessage
from parley.core.settings import Settings

__all__ = ["channels_app", "email_summary"]

_log = logging.getLogger(__name__)

channels_app = typer.Typer(
    help="Inspect how Parley's channels parse provider payloads.",
    no_args_is_help=True,
)


@channels_app.callback()
def _channels() -> None:
    """Inspect how Parley's channels parse provider payloads."""


def email_summary(message: InboundMessage) -> dict[str, Any]:
    """Return the fields of a parsed e-mail a person checks first, as JSON-ready data."""
    return {
        "sender": {"address": message.sender.email, "name": message.sender.display_name},
        "recipient": message.recipient,
        "reply_address": message.reply_address,
        "subject": message.subject,
        "message_id": message.external_message_id,
        "conversation_id": message.external_conversation_id,
        "in_reply_to": message.reply_to,
        "references": message.references,
        "timestamp": message.timestamp.isoformat(),
        "text": message.text,
        "attachments": [
            attachment.model_dump(mode="json", exclude_none=True) for attachment in message.attachments
        ],
        "ignored_reason": message.ignored_reason,
        "ignored_detail": message.ignored_detail,
    }


@channels_app.command("parse-email")
def parse_email_command(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="A raw RFC 822 message (.eml)."),
    ],
    own_address: Annotated[
        list[str] | None,
        typer.Option("--own-address", help="Our mailbox address; repeat for several."),
    ] = None,
) -> None:
    """Print the normalised inbound message of one raw e-mail as JSON (text holds only the new text)."""
    message = parse_email(file.read_bytes(), own_addresses=own_address or ())
    typer.echo(json.dumps(email_summary(message), ensure_ascii=False, indent=2))


@channels_app.command("work")
def work_command() -> None:
    """Answer channel messages, read mailboxes and deliver the outbox until stopped (Ctrl-C).

    Run it next to an API started with ``PARLEY_CHANNEL_ANSWER_IN_API=false``: the API then only verifies,
    stores and acknowledges, and this process (one is enough; it claims each burst in the database) does the
    agent's work on its own core.
    """
    os.nice(10)  # turns are throughput work: on a shared machine the API's acknowledgements go first
    asyncio.run(_work(Settings()))


async def _work(settings: Settings) -> None:
    from parley.agent.service import AgentService
    from parley.channels.worker import ChannelWorker
    from parley.runtime import Runtime

    runtime = Runtime.build(settings)
    agent = AgentService(runtime)
    await agent.warm_up()
    worker = ChannelWorker(agent, answering=True)
    interval = settings.channel_poll_s or 1.0
    typer.echo(f"parley channels work: answering every {interval} s", err=True)
    try:
        # Two loops, so reading mail (cheap) never waits behind a pass of agent turns (slow).
        await asyncio.gather(
            _every(interval, worker.poll_mailboxes),
            _every(interval, worker.pipeline.answer_due, worker.flush),
        )
    finally:
        await worker.aclose()
        await agent.aclose()
        await runtime.close()


async def _every(interval: float, *steps: Callable[[], Awaitable[int]]) -> None:
    """Run the steps, then sleep, forever; a failed pass (a mailbox or database down) is logged and retried."""
    while True:
        for step in steps:
            try:
                await step()
            except Exception:
                _log.exception("channel worker step %s failed", step.__name__)
        await asyncio.sleep(interval)
