"""Bot commands answered without the agent: a greeting for ``/start``, what the bot does for ``/help``.

Telegram clients send ``/start`` when a customer first opens the bot and offer ``/help`` in the menu. Both
deserve the same answer every time, at once; a model turn would only add cost and a chance of an odd first
impression. Any other command goes to the agent like text.
"""

from __future__ import annotations

from parley.channels.inbound import InboundKind, InboundMessage

__all__ = ["COMMAND_REPLIES", "command_reply"]

COMMAND_REPLIES: dict[str, str] = {
    "start": (
        "Hello! I'm the shop's assistant. Ask me about our products, prices and stock, or about your "
        "orders and quotes. A person from our team can take over at any time."
    ),
    "help": (
        "You can write to me in your own words, for example:\n"
        "- Do you have 6061 aluminium plate in 10 mm?\n"
        "- What would 40 pieces cost?\n"
        "- Where is my order ORD-2026-0001?\n"
        "Ask for a person whenever you like, and someone from our team will answer here."
    ),
}


def command_reply(inbound: InboundMessage) -> str | None:
    """The fixed answer to this message when it is ``/start`` or ``/help``; None for everything else."""
    if inbound.kind != InboundKind.COMMAND or not inbound.should_answer:
        return None
    return COMMAND_REPLIES.get(inbound.command or "")
