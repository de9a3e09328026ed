"""``parley channels ...``: see what a channel makes of a payload, without a server or a database.

Useful when a customer says "your bot answered my old message" or "it ignored my mail": feed it the
raw message and read the new text, thread ids and ignore reason Parley derived.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from parley.channels.email import parse_email
from parley.channels.inbound import InboundMessage

__all__ = ["channels_app", "email_summary"]

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
