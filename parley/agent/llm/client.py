"""The OpenAI client of the LLM engine: the SDK's own, without a request rewrite that chat requests never need.

Before sending, the SDK walks every request body against its typed schema (each message against each
message type of a union, each tool, twice for the streaming and non-streaming variants) to rename aliased
keys and format dates and files. Chat-completion requests have no aliased key and no such field, so the
walk returns the body unchanged; it cost 1.7 ms of each call here, about 4 ms of a turn's 2.5 calls
(measured in ``bench.overhead``). Everything else (retries, timeouts, errors, parsing, raw responses) is the
SDK's.
"""

from __future__ import annotations

from typing import Any

from openai import AsyncOpenAI, AsyncStream, DefaultAsyncHttpxClient, NotGiven, Omit, not_given
from openai._base_client import make_request_options
from openai.resources.chat.completions import AsyncCompletions
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from parley.agent.llm.sending import mark_sent

__all__ = ["DirectCompletions", "openai_clients"]


class DirectCompletions(AsyncCompletions):
    """``chat.completions`` that sends the body as given; ``with_raw_response.create`` uses it too."""

    async def create(  # type: ignore[override]
        self,
        *,
        extra_headers: Any = None,
        extra_query: Any = None,
        extra_body: Any = None,
        timeout: Any = not_given,
        **params: Any,
    ) -> ChatCompletion | AsyncStream[ChatCompletionChunk]:
        body = {key: value for key, value in params.items() if not isinstance(value, Omit | NotGiven)}
        return await self._post(
            "/chat/completions",
            body=body,
            options=make_request_options(
                extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout
            ),
            cast_to=ChatCompletion,
            stream=bool(body.get("stream")),
            stream_cls=AsyncStream[ChatCompletionChunk],
        )


def openai_clients(*, base_url: str | None, api_key: str, timeout: float, max_retries: int) -> dict[str, Any]:
    """The ``root_async_client`` and ``async_client`` arguments of ``ChatOpenAI`` for one endpoint."""
    root = AsyncOpenAI(
        base_url=base_url,
        api_key=api_key,
        timeout=timeout,
        max_retries=max_retries,
        http_client=DefaultAsyncHttpxClient(event_hooks={"request": [mark_sent]}),
    )
    return {"root_async_client": root, "async_client": DirectCompletions(root)}
