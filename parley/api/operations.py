"""REST face of the business operations: one route per :class:`~parley.tools.operation.Operation`.

Path parameters come from the path, the other input fields from the query string (GET, DELETE) or the JSON
body; the route checks the operation's scope as a dependency (so the permission tests see it), runs
:func:`~parley.tools.operation.invoke` in the request's transaction and wraps the result in the envelope.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from parley.api.deps import SessionDep, require
from parley.api.envelope import Envelope, ErrorEnvelope, ok
from parley.core.actor import Actor
from parley.core.jsonsafe import to_jsonable
from parley.core.listing import Page
from parley.tools.operation import ApprovalRequired, Operation, invoke

__all__ = ["operations_router"]

_QUERY_METHODS = {"GET", "DELETE"}


def _partial_model(operation: Operation[Any, Any], suffix: str, names: list[str]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (operation.input.model_fields[name].annotation, operation.input.model_fields[name])
        for name in names
    }
    return create_model(  # type: ignore[call-overload,no-any-return]
        f"{operation.input.__name__}{suffix}",
        __config__=ConfigDict(extra="forbid"),
        __doc__=operation.input.__doc__,
        **fields,
    )


def _response_data(result: Any) -> dict[str, Any]:
    if isinstance(result, Page):
        return ok(
            to_jsonable([item.model_dump(mode="json") for item in result.items]), pagination=result.pagination
        )
    return ok(result.model_dump(mode="json"))


def _endpoint(operation: Operation[Any, Any]) -> Any:
    path_names = list(operation.path_params)
    rest_names = [name for name in operation.input.model_fields if name not in path_names]
    parameters = []
    for name in path_names:
        info = operation.input.model_fields[name]
        parameters.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[info.annotation, Path(description=info.description)],
            )
        )
    if rest_names:
        if operation.method in _QUERY_METHODS:
            annotation: Any = Annotated[_partial_model(operation, "Query", rest_names), Query()]
        else:
            model = operation.input if not path_names else _partial_model(operation, "Body", rest_names)
            annotation = Annotated[model, Body()]
        parameters.append(inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=annotation))
    parameters.append(
        inspect.Parameter(
            "actor",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[Actor, Depends(require(operation.scope))],
        )
    )
    parameters.append(inspect.Parameter("session", inspect.Parameter.KEYWORD_ONLY, annotation=SessionDep))

    async def endpoint(**kwargs: Any) -> Any:
        payload: BaseModel | None = kwargs.pop("payload", None)
        actor: Actor = kwargs.pop("actor")
        session = kwargs.pop("session")
        values = payload.model_dump(exclude_unset=True) if payload is not None else {}
        try:
            data = operation.input.model_validate({**values, **kwargs})
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from exc
        result = await invoke(operation, session, actor, data)
        if isinstance(result, ApprovalRequired):
            return JSONResponse(ok(result.model_dump(mode="json")), status_code=202)
        if operation.rest_response is not None:
            return operation.rest_response(result)
        return JSONResponse(_response_data(result), status_code=operation.status_code)

    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = operation.name
    endpoint.__doc__ = operation.description
    return endpoint


def _success_model(operation: Operation[Any, Any]) -> Any:
    output = operation.output
    if issubclass(output, Page):
        item = output.model_fields["items"].annotation
        return Envelope[item]  # type: ignore[valid-type]
    return Envelope[output]  # type: ignore[valid-type]


def operations_router(operations: Iterable[Operation[Any, Any]]) -> APIRouter:
    """A router with one route per operation, in the given order (static paths before ``{id}`` paths)."""
    router = APIRouter()
    for operation in operations:
        router.add_api_route(
            operation.path,
            _endpoint(operation),
            methods=[operation.method],
            name=operation.name,
            operation_id=operation.name,
            summary=operation.summary,
            description=operation.description,
            status_code=operation.status_code,
            tags=list(operation.tags),
            response_model=None,
            responses={
                operation.status_code: {"model": _success_model(operation)},
                202: {"model": Envelope[ApprovalRequired], "description": "A person must approve first."},
                403: {"model": ErrorEnvelope},
                404: {"model": ErrorEnvelope},
                409: {"model": ErrorEnvelope},
            },
        )
    return router
