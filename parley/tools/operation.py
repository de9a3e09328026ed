"""One declaration per business operation, from which the REST route, the agent tool and the MCP tool derive.

An :class:`Operation` names the operation, describes it for the model that will read it (keep it short), types
its input (``extra="forbid"``) and output, says which scope it needs, where it lives in the REST API, which
domain events it emits and which async handler does the work. :func:`invoke` is the one call path every face
uses: scope check, optional approval hook, then the handler.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor

__all__ = ["ApprovalHook", "ApprovalRequired", "Operation", "invoke", "tagged_operations"]

I = TypeVar("I", bound=BaseModel)  # noqa: E741
O = TypeVar("O", bound=BaseModel)  # noqa: E741

Handler = Callable[[AsyncSession, Actor, Any], Awaitable[Any]]
ApprovalHook = Callable[[AsyncSession, Actor, Any], Awaitable[str | None]]
"""Decides whether a call needs a person's approval: returns the reason, or None to go ahead."""

_NAME = re.compile(r"^[a-z][a-z0-9_]{2,63}$")


class ApprovalRequired(BaseModel):
    """What a call returns instead of acting when its approval hook says a person must decide first."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["approval_required"] = "approval_required"
    operation: str
    reason: str
    input: dict[str, Any]


@dataclass(frozen=True)
class Operation(Generic[I, O]):
    """A business operation, declared once.

    Attributes:
        name: snake_case tool name, also the OpenAPI operation id.
        description: what it does and when to use it, written for the model (the REST summary is its first line).
        input: pydantic model of the arguments (``extra="forbid"``); fields named in ``path`` become path params.
        output: pydantic model of the result.
        scope: the scope an actor needs, for example ``products:write``.
        method: HTTP method of the route.
        path: HTTP path of the route, under ``/api/v1``.
        handler: ``async (session, actor, input) -> output``; raises domain errors.
        events: the domain events it may emit (documentation and tests).
        approval: optional hook; when it returns a reason the call answers :class:`ApprovalRequired`.
        status_code: HTTP status on success (201 for creates).
        tags: OpenAPI tags.

    """

    name: str
    description: str
    input: type[I]
    output: type[O]
    scope: str
    method: str
    path: str
    handler: Callable[[AsyncSession, Actor, I], Awaitable[O]]
    events: tuple[str, ...] = ()
    approval: ApprovalHook | None = None
    status_code: int = 200
    tags: tuple[str, ...] = ()
    rest_response: Callable[[O], Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"operation name {self.name!r} must be snake_case")
        if self.input.model_config.get("extra") != "forbid":
            raise ValueError(f"{self.name}: the input model must forbid extra fields")
        missing = set(self.path_params) - set(self.input.model_fields)
        if missing:
            raise ValueError(f"{self.name}: path parameters {missing} are not fields of the input model")

    @property
    def summary(self) -> str:
        """The first line of the description."""
        return self.description.strip().splitlines()[0]

    @property
    def path_params(self) -> tuple[str, ...]:
        """Names of the ``{params}`` in the path."""
        return tuple(re.findall(r"{(\w+)}", self.path))


def tagged_operations(tags: tuple[str, ...]) -> Callable[..., Operation[Any, Any]]:
    """A positional shorthand for a module whose many operations share their OpenAPI tags."""

    def declare(
        name: str,
        description: str,
        input_: Any,
        output: Any,
        scope: str,
        method: str,
        path: str,
        handler: Any,
        **extra: Any,
    ) -> Operation[Any, Any]:
        return Operation(
            name=name,
            description=description,
            input=input_,
            output=output,
            scope=scope,
            method=method,
            path=path,
            handler=handler,
            tags=extra.pop("tags", tags),
            **extra,
        )

    return declare


async def invoke(operation: Operation[Any, Any], session: AsyncSession, actor: Actor, data: BaseModel) -> Any:
    """Run an operation for an actor: check the scope, ask the approval hook, then call the handler."""
    actor.require(operation.scope)
    if operation.approval is not None:
        reason = await operation.approval(session, actor, data)
        if reason:
            return ApprovalRequired(
                operation=operation.name, reason=reason, input=data.model_dump(mode="json")
            )
    return await operation.handler(session, actor, data)
