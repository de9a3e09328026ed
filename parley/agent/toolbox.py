"""The agent's hands: the operations' LangChain tools, called by name, every call recorded for the reply.

Both engines go through here, so a tool call is the same record (name, arguments, result, outcome, time)
whether the offline planner or a model chose it, and the step limit holds for both.
"""

from __future__ import annotations

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

    @classmethod
    def of(cls, tools: Iterable[BaseTool], *, max_steps: int = 8) -> ToolBox:
        """A toolbox over these tools."""
        return cls(tools={tool.name: tool for tool in tools}, max_steps=max_steps)

    def has(self, name: str) -> bool:
        """Whether the agent may call this tool."""
        return name in self.tools

    async def call(self, name: str, **arguments: Any) -> ToolResult:
        """Call a tool and record it; raises :class:`StepLimitReached` past the budget."""
        if len(self.calls) >= self.max_steps:
            raise StepLimitReached(name)
        started = time.perf_counter()
        raw = await self.tools[name].ainvoke(arguments)
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
