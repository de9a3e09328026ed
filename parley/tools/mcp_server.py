"""MCP face of the business operations, on the official ``mcp`` package's low-level server.

Every operation is an MCP tool whose input schema is the operation's input model; calls run as one actor
(for ``parley mcp``, the principal of an API key) in their own transaction. Errors come back as ``isError``
results with the same messages the agent's tools give.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from mcp import types
from mcp.server import Server, ServerRequestContext

from parley import __version__
from parley.core.actor import Actor
from parley.core.db import Database
from parley.tools.messages import error_message
from parley.tools.operation import Operation, invoke

__all__ = ["build_mcp_server"]


def _tool(operation: Operation[Any, Any]) -> types.Tool:
    return types.Tool(
        name=operation.name,
        description=operation.description,
        input_schema=operation.input.model_json_schema(),
    )


def _error(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=True)


def build_mcp_server(
    operations: Iterable[Operation[Any, Any]],
    *,
    db: Database,
    actor: Actor | Callable[[], Actor],
    only_permitted: bool = True,
) -> Server[Any]:
    """An MCP server exposing the operations the actor may use."""
    current = actor if callable(actor) and not isinstance(actor, Actor) else (lambda: actor)
    by_name = {
        operation.name: operation
        for operation in operations
        if not only_permitted or current().can(operation.scope)
    }

    async def list_tools(
        _ctx: ServerRequestContext[Any], _params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[_tool(operation) for operation in by_name.values()])

    async def call_tool(
        _ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        operation = by_name.get(params.name)
        if operation is None:
            return _error(f"There is no tool named {params.name!r}; call one of: {', '.join(by_name)}.")
        principal = current()
        try:
            data = operation.input.model_validate(params.arguments or {})
            async with db.transaction(principal.tenant_id) as session:
                result = await invoke(operation, session, principal, data)
        except Exception as exc:
            return _error(error_message(operation.name, exc))
        payload = result.model_dump(mode="json")
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(payload, ensure_ascii=False))],
            structured_content=payload,
        )

    return Server(
        "parley",
        version=__version__,
        instructions="Business operations of one Parley tenant: catalog, customers, stock, pricing, quotations, "
        "orders, invoices, payments and discounts.",
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )
