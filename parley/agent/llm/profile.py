"""A business's voice for the LLM engine: system prompt, tone, language, prohibited topics, fallback."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["INTENT_TOOLS", "BusinessProfile", "system_prompt"]

INTENT_TOOLS: dict[str, tuple[str, ...]] = {
    "product_question": ("search_products", "get_product", "check_stock"),
    "price_quote": ("search_products", "get_product", "calculate_price"),
    "stock_check": ("search_products", "check_stock"),
    "order_status": ("get_order_by_number", "get_order"),
}
"""Only the tools an intent needs are offered to the model: fewer choices, fewer wrong calls, fewer tokens."""


@dataclass(frozen=True)
class BusinessProfile:
    """How the agent speaks for one business (defaults suit the demo shop)."""

    name: str = "our shop"
    tone: str = "friendly, brief and precise"
    language: str = "the customer's language"
    prohibited_topics: tuple[str, ...] = ("politics", "medical or legal advice", "competitors' prices")
    fallback_message: str = "I'm passing this to a colleague, who will answer you here shortly."
    instructions: str = ""
    history_token_budget: int = 1500
    extra: dict[str, str] = field(default_factory=dict)


def system_prompt(profile: BusinessProfile) -> str:
    """The system prompt: who the agent is, how it speaks, and the rule that numbers come from tools."""
    prohibited = ", ".join(profile.prohibited_topics) or "none"
    return (
        f"You are the customer assistant of {profile.name}. Be {profile.tone}; answer in {profile.language}.\n"
        "Use the tools for every product, price, stock level and order: never state a number, price, quantity "
        "or date that a tool did not return in this conversation. If a tool refuses, say so plainly and offer a "
        f"colleague. Do not discuss: {prohibited}. {profile.instructions}".strip()
    )
