"""LangChain face of the business operations: a ``StructuredTool`` per operation, bound to an actor.

Each call runs in its own transaction. A bad argument comes back as a message that says what to correct and
retry; a refusal (not found, business rule, missing scope) as a final message to relay; never a stack trace.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import ValidationError

from parley.core.actor import Actor
from parley.core.db import Database
from parley.tools.messages import error_message, validation_message
from parley.tools.operation import Operation, invoke

__all__ = ["as_langchain_tool", "langchain_tools"]


def _render(result: Any) -> str:
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False)


def as_langchain_tool(operation: Operation[Any, Any], *, db: Database, actor: Actor) -> StructuredTool:
    """The operation as a tool whose arguments schema is the operation's input model."""

    async def run(**kwargs: Any) -> str:
        try:
            data = operation.input.model_validate(kwargs)
            async with db.transaction(actor.tenant_id) as session:
                result = await invoke(operation, session, actor, data)
        except Exception as exc:
            return error_message(operation.name, exc)
        return _render(result)

    def on_bad_arguments(exc: ValidationError) -> str:
        return validation_message(operation.name, exc)

    return StructuredTool.from_function(
        coroutine=run,
        name=operation.name,
        description=operation.description,
        args_schema=operation.input,
        handle_validation_error=on_bad_arguments,
    )


def langchain_tools(
    operations: Iterable[Operation[Any, Any]], *, db: Database, actor: Actor, only_permitted: bool = True
) -> list[StructuredTool]:
    """Tools for every operation (by default only those the actor's scopes allow, so the model sees no dead ends)."""
    return [
        as_langchain_tool(operation, db=db, actor=actor)
        for operation in operations
        if not only_permitted or actor.can(operation.scope)
    ]
