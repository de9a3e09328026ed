"""The graph's nodes, one idea each; :func:`timed` records each node's latency in the turn's metrics."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.state import AgentState

__all__ = ["Node", "timed"]

Node = Callable[[AgentState, Runtime[AgentContext]], Awaitable[dict[str, Any]]]


def timed(name: str) -> Callable[[Node], Node]:
    """Add the node's wall time (ms) to ``metrics.latency_ms``."""

    def wrap(node: Node) -> Node:
        @functools.wraps(node)
        async def run(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
            started = time.perf_counter()
            update = await node(state, runtime)
            metrics = dict(update.get("metrics") or state.get("metrics") or {})
            latency = dict(metrics.get("latency_ms", {}))
            latency[name] = round((time.perf_counter() - started) * 1000, 2)
            return {**update, "metrics": {**metrics, "latency_ms": latency}}

        return run

    return wrap
