"""The agent's hands: the operations' LangChain tools, called by name, every call recorded for the reply.

Both engines go through here, so a tool call is the same record (name, arguments, result, outcome, time)
whether the offline planner or a model chose it, and the step limit holds for both.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.tools import BaseTool

__all__ = ["StepLimitReached", "ToolBox", "ToolResult"]


class StepLimitReached(Exception):
    """The turn used all the tool calls it may make."""


@dataclass
class ToolResult:
    """A tool's answer: parsed JSON when it succeeded, the tool's message otherwise."""

    name: str
    ok: bool
    data: Any
    message: str = ""

    @property
    def approval_required(self) -> bool:
        """Whether the operation answered that a person must approve first."""
        return self.ok and isinstance(self.data, dict) and self.data.get("status") == "approval_required"


@dataclass
class ToolBox:
    """Tools by name with a per-turn step budget and a log of the calls made."""

    tools: dict[str, BaseTool]
    max_steps: int = 8
    calls: list[dict[str, Any]] = field(default_factory=list)
    _early: dict[str, asyncio.Future[Any]] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def of(cls, tools: Iterable[BaseTool], *, max_steps: int = 8) -> ToolBox:
        """A toolbox over these tools."""
        return cls(tools={tool.name: tool for tool in tools}, max_steps=max_steps)

    def has(self, name: str) -> bool:
        """Whether the agent may call this tool."""
        return name in self.tools

    def prefetch(self, name: str, arguments: dict[str, Any], *, after: asyncio.Event | None = None) -> None:
        """Start a call that only reads, for a later :meth:`call` with the same arguments to take.

        Nothing is counted or recorded until that call: a prefetch no step asks for costs the turn no step.
        ``after``: the call waits for it first (a model request on the wire).
        """
        key = _key(name, arguments)
        if name in self.tools and key not in self._early:
            self._early[key] = asyncio.ensure_future(self._call_after(name, arguments, after))

    async def _call_after(self, name: str, arguments: dict[str, Any], after: asyncio.Event | None) -> Any:
        if after is not None:
            await after.wait()
        return await self.tools[name].ainvoke(arguments)

    async def settle(self) -> None:
        """Wait for the prefetched calls no step took, so none outlives its turn."""
        early, self._early = list(self._early.values()), {}
        await asyncio.gather(*early, return_exceptions=True)

    async def call(self, name: str, **arguments: Any) -> ToolResult:
        """Call a tool and record it; raises :class:`StepLimitReached` past the budget."""
        if len(self.calls) >= self.max_steps:
            raise StepLimitReached(name)
        started = time.perf_counter()
        early = self._early.pop(_key(name, arguments), None)
        raw = await (early if early is not None else self.tools[name].ainvoke(arguments))
        elapsed = round((time.perf_counter() - started) * 1000, 2)
        text = raw if isinstance(raw, str) else json.dumps(raw, default=str)
        try:
            result = ToolResult(name=name, ok=True, data=json.loads(text))
        except ValueError:
            result = ToolResult(name=name, ok=False, data=None, message=text)
        self.calls.append(
            {
                "name": name,
                "arguments": json.loads(json.dumps(arguments, default=str)),
                "ok": result.ok,
                "result": result.data if result.ok else result.message,
                "latency_ms": elapsed,
            }
        )
        return result


def _key(name: str, arguments: dict[str, Any]) -> str:
    return json.dumps([name, arguments], sort_keys=True, default=str)
