"""What each reply cost in tokens, money and time, summed per conversation and per business.

Each agent message keeps its own numbers in ``Message.metrics`` (tokens, cost, latency per node, cache hit),
priced when it was written, so a later price change never rewrites history. A conversation keeps running
totals in ``Conversation.usage``; a business's totals for a period are summed from its messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.conversations.models import Message
from parley.core.actor import Actor
from parley.core.errors import ValidationFailed

__all__ = [
    "PRICES",
    "ModelPrice",
    "TokenUsage",
    "UsageReport",
    "UsageTotals",
    "add_to_totals",
    "business_usage",
    "cost_of",
    "cost_since",
]


@dataclass(frozen=True)
class ModelPrice:
    """US dollars per million prompt and per million completion tokens."""

    prompt: float
    completion: float


PRICES: dict[str, ModelPrice] = {
    "gpt-4o-mini": ModelPrice(0.15, 0.60),
    "gpt-4o": ModelPrice(2.50, 10.00),
    "gpt-4.1-nano": ModelPrice(0.10, 0.40),
    "gpt-4.1-mini": ModelPrice(0.40, 1.60),
    "gpt-4.1": ModelPrice(2.00, 8.00),
}
"""OpenAI's list prices (USD per million tokens). A model missing here costs 0 until ``PARLEY_LLM_PRICES``
names it: self-hosted models have no per-token price, and a guessed one would be worse than none."""


@dataclass
class TokenUsage:
    """Tokens one turn spent, added up over its LLM calls."""

    prompt: int = 0
    completion: int = 0

    def add(self, message: Any) -> None:
        """Count an LLM response's usage metadata (endpoints that send none count as 0)."""
        usage = getattr(message, "usage_metadata", None) or {}
        self.prompt += int(usage.get("input_tokens", 0))
        self.completion += int(usage.get("output_tokens", 0))


def cost_of(
    model: str | None, usage: TokenUsage, overrides: dict[str, tuple[float, float]] | None = None
) -> float:
    """The turn's cost in USD from the price table, the settings' prices winning over the built-in ones."""
    if model is None:
        return 0.0
    prices = {**PRICES, **{name: ModelPrice(*pair) for name, pair in (overrides or {}).items()}}
    price = prices.get(model)
    if price is None:
        return 0.0
    return round((usage.prompt * price.prompt + usage.completion * price.completion) / 1_000_000, 8)


def add_to_totals(totals: dict[str, Any] | None, metrics: dict[str, Any]) -> dict[str, Any]:
    """Running totals with one more reply's metrics (a new dict, so the JSON column sees the change)."""
    before = totals or {}
    tokens = metrics.get("tokens") or {}
    return {
        "messages": int(before.get("messages", 0)) + 1,
        "prompt_tokens": int(before.get("prompt_tokens", 0)) + int(tokens.get("prompt", 0)),
        "completion_tokens": int(before.get("completion_tokens", 0)) + int(tokens.get("completion", 0)),
        "cost": round(float(before.get("cost", 0.0)) + float(metrics.get("cost", 0.0)), 8),
        "cache_hits": int(before.get("cache_hits", 0)) + int(bool(metrics.get("cache_hit"))),
    }


class UsageTotals(BaseModel):
    """Sums over agent replies; latency percentiles are of whole turns, in milliseconds."""

    messages: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cost: float = 0.0
    cache_hits: int = 0
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None


class DayUsage(UsageTotals):
    """One day's totals (UTC)."""

    day: date


class UsageReport(BaseModel):
    """A business's usage in a period, optionally split by day."""

    start: date | None
    end: date | None
    totals: UsageTotals
    days: list[DayUsage] | None = None


def _summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    totals: dict[str, Any] = {}
    for metrics in rows:
        totals = add_to_totals(totals, metrics)
    latencies = [float(m["total_ms"]) for m in rows if m.get("total_ms") is not None]
    percentiles = np.percentile(latencies, [50, 95]).round(2).tolist() if latencies else [None, None]
    return {
        **totals,
        "total_tokens": totals.get("prompt_tokens", 0) + totals.get("completion_tokens", 0),
        "latency_p50_ms": percentiles[0],
        "latency_p95_ms": percentiles[1],
    }


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


async def cost_since(session: AsyncSession, start: datetime) -> float:
    """What the business's agent replies since ``start`` cost, summed by the database (one row back)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Message.metrics["cost"].as_float()), 0.0)).where(
            Message.role == "agent", Message.created_at >= start
        )
    )
    return float(total or 0.0)


async def business_usage(
    session: AsyncSession,
    actor: Actor,
    *,
    start: date | None = None,
    end: date | None = None,
    by_day: bool = False,
) -> UsageReport:
    """Totals of the business's agent replies from ``start`` to ``end`` (both days included, UTC)."""
    actor.require("ai:read")
    if start is not None and end is not None and start > end:
        raise ValidationFailed("from must not be after to", field="from")
    statement = select(Message.created_at, Message.metrics).where(Message.role == "agent")
    if start is not None:
        statement = statement.where(Message.created_at >= _moment(start))
    if end is not None:
        statement = statement.where(Message.created_at < _moment(end + timedelta(days=1)))
    rows = list(await session.execute(statement.order_by(Message.created_at)))
    report = UsageReport(start=start, end=end, totals=UsageTotals(**_summarise([m for _, m in rows])))
    if by_day:
        days: dict[date, list[dict[str, Any]]] = {}
        for created_at, metrics in rows:
            days.setdefault(created_at.astimezone(UTC).date(), []).append(metrics)
        report.days = [DayUsage(day=day, **_summarise(found)) for day, found in days.items()]
    return report
