"""Judging one turn against its expectations: each failed expectation becomes one readable line.

The checks look at what the customer sees (the reply, whether a person took over) and at what the agent
did (intent, tool calls); prices and stock are recomputed from the shop's own services, so a scenario
fails when the agent quotes a number the pricing engine would not give.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from parley.agent.conversations.schemas import TurnOut
from parley.agent.offline.templates import money
from parley.demo.seed import seed_actor
from parley.evals.end_state import stock_available
from parley.evals.sandbox import Sandbox
from parley.evals.scenario import Expect
from parley.guardrails.numbers import IDENTIFIER, NUM, TIMESTAMP, parse_number
from parley.tools.pricing import service as pricing
from parley.tools.pricing.schemas import LineIn

__all__ = ["ToolScore", "check_turn", "grounding_problems", "numbers_in", "subset"]

_NUMBER = re.compile(rf"(?<!\d)(?:{NUM})")
_OUT_OF_STOCK = ("out of stock", "nicht auf lager", "agotado")
_ESCALATED = {"handed_over", "approval_required"}


@dataclass(frozen=True)
class ToolScore:
    """Tool calls of a turn against the expected ones: true positives, false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0


def _readings(raw: str) -> set[str]:
    """Each way a written number can be read ("1.915,20" and "1,915.20" alike), plainly written."""
    found: set[str] = set()
    for value, decimals in parse_number(raw):
        found |= {f"{value:.{decimals}f}", f"{value:.2f}"}
    return found


def numbers_in(text: str) -> set[str]:
    """The numbers of a text, however their separators are written, each also at two decimal places."""
    found: set[str] = set()
    for raw in _NUMBER.findall(text):
        found |= _readings(raw)
    return found


def subset(wanted: Any, actual: Any) -> bool:
    """Whether ``wanted`` is contained in ``actual``: keys of dicts, items of lists, equal scalars."""
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(
            k in actual and subset(v, actual[k]) for k, v in wanted.items()
        )
    if isinstance(wanted, list):
        return isinstance(actual, list) and all(any(subset(w, a) for a in actual) for w in wanted)
    return str(wanted).casefold() == str(actual).casefold()


_IN_PACKAGES = re.compile(r"(\d+) (?:pcs come to|Stück sind|piezas son) (\d+) \w+ (?:of|zu je|de) (\d+)")
"""The agent's one piece of arithmetic: a count of pieces in units of sale ("700 pcs come to 7 boxes of 100")."""


def _packages_worked_out(reply: str, sources: set[str]) -> set[str]:
    """The unit counts the reply works out right from a count and a pack size that are both grounded."""
    worked_out = set()
    for pieces, packages, size in _IN_PACKAGES.findall(reply):
        grounded = _readings(pieces) & sources and _readings(size) & sources
        if grounded and int(size) and int(packages) == -(-int(pieces) // int(size)):
            worked_out |= _readings(packages)
    return worked_out


def grounding_problems(turn: TurnOut, said: str) -> list[str]:
    """Numbers of the reply that neither a tool call nor the customer gave.

    Read from the calls as written, but for their identifiers and the times of their timestamps: a UUID's
    "-7f3a" or a timestamp's minutes once grounded a made-up 7 or 33, now and then.
    """
    sources = numbers_in(said)
    for call in turn.tool_calls:
        text = TIMESTAMP.sub(r"\1", IDENTIFIER.sub(" ", f"{call.get('arguments')} {call.get('result')}"))
        sources |= numbers_in(text)
    sources |= _packages_worked_out(turn.response, sources)
    loose = sorted(raw for raw in _NUMBER.findall(turn.response) if not _readings(raw) & sources)
    return [f"numbers not from any tool result: {', '.join(loose)}"] if loose else []


async def _price(
    sandbox: Sandbox, customer: uuid.UUID | None, turn: TurnOut, sku: str, quantity: int
) -> list[str]:
    async with sandbox.runtime.db.session(sandbox.tenant_id) as session:
        quote = await pricing.calculate(
            session,
            seed_actor(sandbox.tenant_id),
            customer_id=customer,
            lines=[LineIn(sku=sku, quantity=quantity)],
        )
    # As English or as German and Spanish write amounts: the digits must be the pricing engine's either way
    wanted = [quote.total_net, quote.total_gross]
    missing = [
        money(value)
        for value in wanted
        if not any(money(value, lang) in turn.response for lang in ("en", "de"))
    ]
    return [f"reply lacks the priced totals {missing} for {quantity} x {sku}"] if missing else []


async def _stock(sandbox: Sandbox, turn: TurnOut, sku: str) -> list[str]:
    available = await stock_available(sandbox, sku)
    reply = turn.response.casefold()
    if available <= 0:
        return (
            []
            if any(words in reply for words in _OUT_OF_STOCK)
            else [f"reply does not say {sku} is sold out"]
        )
    return (
        []
        if str(available) in numbers_in(turn.response)
        else [f"reply lacks the {available} available of {sku}"]
    )


def _tools(expect: Expect, turn: TurnOut) -> tuple[list[str], ToolScore]:
    problems: list[str] = []
    called = [call["name"] for call in turn.tool_calls]
    for tool in expect.tools:
        if not any(
            call["name"] == tool.name and subset(tool.args, call.get("arguments", {}))
            for call in turn.tool_calls
        ):
            problems.append(f"tool {tool.name}{tool.args or ''} not called (called {called})")
    problems += [f"tool {name} must not be called" for name in expect.tools_not if name in called]
    if expect.no_tools and called:
        problems.append(f"no tools expected, called {called}")
    if not expect.tools and not expect.no_tools:
        return problems, ToolScore()
    wanted = {tool.name for tool in expect.tools}
    return problems, ToolScore(
        tp=len(wanted & set(called)), fp=len(set(called) - wanted), fn=len(wanted - set(called))
    )


def _reply(expect: Expect, reply: str) -> list[str]:
    folded = reply.casefold()
    problems = [f"reply lacks {text!r}" for text in expect.reply_contains if text.casefold() not in folded]
    problems += [
        f"reply contains {text!r}" for text in expect.reply_not_contains if text.casefold() in folded
    ]
    if expect.reply_matches and not re.search(expect.reply_matches, reply, re.I):
        problems.append(f"reply does not match /{expect.reply_matches}/")
    if expect.silent is not None and expect.silent != (reply == ""):
        problems.append("a reply was sent" if expect.silent else "no reply was sent")
    return problems


def _guardrail(where: str, turn: TurnOut) -> bool:
    places = ("input", "output") if where == "any" else (where,)
    return any((turn.guardrails.get(place) or {}).get("verdict", "pass") != "pass" for place in places)


async def check_turn(
    sandbox: Sandbox,
    expect: Expect,
    turn: TurnOut,
    *,
    said: str,
    customer: uuid.UUID | None,
    approvals_created: int,
) -> tuple[list[str], ToolScore]:
    """The failed expectations of one turn, and its tool-call score."""
    problems = _reply(expect, turn.response)
    wanted_intents = [expect.intent] if isinstance(expect.intent, str) else expect.intent
    if wanted_intents and turn.intent not in wanted_intents:
        problems.append(f"intent {turn.intent!r}, expected {' or '.join(wanted_intents)}")
    if not subset(expect.entities, turn.entities):
        problems.append(f"entities {turn.entities} lack {expect.entities}")
    tool_problems, score = _tools(expect, turn)
    problems += tool_problems
    if expect.grounded:
        problems += grounding_problems(turn, said)
    if expect.price is not None:
        problems += await _price(sandbox, customer, turn, expect.price.sku, expect.price.quantity)
    if expect.stock_of is not None:
        problems += await _stock(sandbox, turn, expect.stock_of)
    if expect.guardrail is not None and not _guardrail(expect.guardrail, turn):
        problems.append(f"no {expect.guardrail} guardrail triggered")
    if expect.escalated is not None and expect.escalated != (turn.status in _ESCALATED):
        problems.append(f"status {turn.status!r}: expected {'a' if expect.escalated else 'no'} hand-off")
    if expect.approval is not None and expect.approval != (approvals_created > 0):
        problems.append(f"expected {'an' if expect.approval else 'no'} approval, {approvals_created} created")
    if expect.status is not None and turn.status != expect.status:
        problems.append(f"status {turn.status!r}, expected {expect.status!r}")
    return problems, score
