"""The LLM engine: structured output for intent and entities, function calling over the intent's tools.

Retries with backoff happen in the OpenAI client (429, 5xx, timeouts; ``max_retries``). When the endpoint still
fails, or the model keeps calling tools wrongly, :class:`LLMUnavailable` is raised and the graph falls back to
the offline engine for that step, so the customer is never dropped.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from parley.agent.accounting import TokenUsage
from parley.agent.llm.profile import INTENT_TOOLS, BusinessProfile, system_prompt

__all__ = ["LLMEngine", "LLMUnavailable", "Understood", "openai_tool"]

Intent = Literal[
    "greeting", "product_question", "price_quote", "stock_check", "place_order", "order_status",
    "invoice_question", "discount_request", "complaint", "human_handoff", "faq", "goodbye", "out_of_scope",
]  # fmt: skip


class LLMUnavailable(Exception):
    """The endpoint failed after its retries, or the model's tool calls stayed invalid."""


class Understood(BaseModel):
    """What the customer wants: the intent, how sure, and what they named."""

    intent: Intent = Field(description="The customer's intent.")
    confidence: float = Field(ge=0, le=1, description="How sure you are, 0 to 1.")
    product: str | None = Field(None, description="Product name or SKU the customer mentions, if any.")
    quantity: int | None = Field(None, description="Quantity the customer asks about, if any.")
    order_number: str | None = Field(None, description="Order number (ORD-YYYY-NNNNN), if any.")

    @property
    def entities(self) -> dict[str, Any]:
        """The entities in the offline engine's shape."""
        found: dict[str, Any] = {}
        if self.quantity is not None:
            found["quantity"] = self.quantity
        if self.order_number:
            found["order_numbers"] = [self.order_number.upper()]
        if self.product:
            found["product_text"] = self.product
        return found


_TOOL_SCHEMAS: dict[tuple[str, str, type], dict[str, Any]] = {}


def openai_tool(tool: Any) -> dict[str, Any]:
    """The tool's OpenAI schema, converted once per operation rather than once per model call.

    A turn builds its tools afresh (they are bound to its actor), and converting a new tool object runs
    pydantic's JSON-schema generation again: about 6 ms for an intent's four tools, on every turn.
    """
    from langchain_core.utils.function_calling import convert_to_openai_tool

    schema = tool.args_schema
    if not isinstance(schema, type):
        return convert_to_openai_tool(tool)
    key = (tool.name, tool.description, schema)
    if key not in _TOOL_SCHEMAS:
        _TOOL_SCHEMAS[key] = convert_to_openai_tool(tool)
    return _TOOL_SCHEMAS[key]


class LLMEngine:
    """One chat model for every business; the profile gives each its voice, ``usage`` counts the tokens."""

    def __init__(
        self,
        model: Any,
        *,
        profile: BusinessProfile | None = None,
        max_invalid_calls: int = 1,
        understanders: dict[str | None, Any] | None = None,
    ) -> None:
        self.model = model
        self.profile = profile or BusinessProfile()
        self.max_invalid_calls = max_invalid_calls
        self.usage = TokenUsage()
        # The model bound to the ``Understood`` function, per model name, shared by the engines of every turn.
        self._understanders = {} if understanders is None else understanders

    @property
    def model_name(self) -> str | None:
        """The model the endpoint is asked for (prices are looked up by it)."""
        return getattr(self.model, "model_name", None)

    async def aclose(self) -> None:
        """Close the endpoint's connections; the engines of its turns share them, so only the owner calls this."""
        client = getattr(self.model, "root_async_client", None)
        if client is not None:
            await client.close()

    def for_turn(self, profile: BusinessProfile) -> LLMEngine:
        """An engine for one turn of one business: its voice, its model, and a token count of its own.

        The client is shared (a copy with another model name keeps the same connection pool), so this is cheap.
        """
        model = self.model
        if profile.llm_model and self.model_name not in (None, profile.llm_model):
            model = model.model_copy(update={"model_name": profile.llm_model})
        return LLMEngine(
            model,
            profile=profile,
            max_invalid_calls=self.max_invalid_calls,
            understanders=self._understanders,
        )

    @classmethod
    def from_settings(cls, settings: Any, *, profile: BusinessProfile | None = None) -> LLMEngine:
        """A ChatOpenAI client for the configured endpoint (imported here: it is slow to import)."""
        from langchain_openai import ChatOpenAI

        from parley.agent.llm.client import openai_clients

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        endpoint = {
            "base_url": settings.llm_base_url,
            "api_key": key,
            "timeout": settings.llm_timeout_s,
            "max_retries": 2,
        }
        model = ChatOpenAI(model=settings.llm_model, temperature=0, **endpoint, **openai_clients(**endpoint))
        return cls(model, profile=profile)

    def _history(self, state: dict[str, Any]) -> list[Any]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, trim_messages
        from langchain_core.messages.utils import count_tokens_approximately

        past = [
            HumanMessage(turn["text"]) if turn["role"] == "customer" else AIMessage(turn["text"])
            for turn in state.get("history", [])
        ]
        kept = trim_messages(
            past,
            max_tokens=self.profile.history_token_budget,
            token_counter=count_tokens_approximately,
            strategy="last",
            start_on="human",
        )
        context = [SystemMessage(system_prompt(self.profile))]
        product = (state.get("facts") or {}).get("product")
        if product:
            found = {key: product.get(key) for key in ("id", "sku", "name", "unit", "price", "currency")}
            context.append(SystemMessage(f"The catalog search found this product: {json.dumps(found)}"))
        return [*context, *kept, HumanMessage(state["text"])]

    async def understand(self, state: dict[str, Any], _ctx: Any) -> Understood:
        """Intent and entities through structured output: the one function the model must call.

        The call is bound and parsed here rather than through ``with_structured_output``, whose chain of
        runnables (a map, an assign, a fallback, the parser) cost about 1.5 ms a turn around a model that
        answers in 200.
        """
        if self.model_name not in self._understanders:
            self._understanders[self.model_name] = self.model.bind_tools(
                [Understood], tool_choice="Understood", parallel_tool_calls=False
            )
        try:
            reply = await self._understanders[self.model_name].ainvoke(self._history(state))
        except Exception as exc:
            raise LLMUnavailable(f"intent: {type(exc).__name__}: {exc}") from exc
        self.usage.add(reply)
        calls = [call for call in reply.tool_calls if call["name"] == "Understood"]
        try:
            return Understood.model_validate(calls[0]["args"])
        except (IndexError, ValidationError) as exc:
            raise LLMUnavailable("intent: the model gave no structured answer") from exc

    async def act(self, state: dict[str, Any], ctx: Any) -> dict[str, Any]:
        """Call the intent's tools as the model asks (within the step budget), then write the reply."""
        from langchain_core.messages import ToolMessage

        allowed = [
            ctx.tools.tools[name] for name in INTENT_TOOLS.get(state["intent"], ()) if ctx.tools.has(name)
        ]
        model = self.model.bind_tools([openai_tool(tool) for tool in allowed]) if allowed else self.model
        messages = self._history(state)
        invalid = 0
        while True:
            try:
                reply = await model.ainvoke(messages)
            except Exception as exc:
                raise LLMUnavailable(f"act: {type(exc).__name__}: {exc}") from exc
            self.usage.add(reply)
            bad = list(reply.invalid_tool_calls) + [
                call for call in reply.tool_calls if call["name"] not in {tool.name for tool in allowed}
            ]
            if bad:
                invalid += 1
                if invalid > self.max_invalid_calls:
                    raise LLMUnavailable(f"act: invalid tool calls {[call.get('name') for call in bad]}")
            messages.append(reply)
            if not reply.tool_calls and not reply.invalid_tool_calls:
                return {"parts": [], "reply": str(reply.content).strip(), "facts": {}}
            for call in reply.tool_calls:
                if call["name"] not in {tool.name for tool in allowed}:
                    content = f"There is no tool {call['name']}; use one of {[t.name for t in allowed]}."
                else:
                    result = await ctx.tools.call(call["name"], **call["args"])
                    content = json.dumps(result.data) if result.ok else result.message
                messages.append(ToolMessage(content=content, tool_call_id=call["id"]))
            for call in reply.invalid_tool_calls:
                messages.append(
                    ToolMessage(
                        content=f"Invalid arguments: {call.get('error')}. Send valid JSON.",
                        tool_call_id=call["id"] or "invalid",
                    )
                )
