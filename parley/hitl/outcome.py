"""What the customer is told when a person has decided the request their conversation waited for.

Every number comes from the decision's effect (the re-priced quotation), so the reply is grounded;
:func:`decision_results` gives the output guard that effect as the "tool results" it checks the reply against.
"""

from __future__ import annotations

from typing import Any

from parley.agent.offline.templates import money

__all__ = ["decision_results", "outcome_reply"]


def outcome_reply(decision: dict[str, Any]) -> str:
    """The customer's message for an approved, rejected or expired request."""
    outcome = decision.get("outcome")
    effect = decision.get("effect") or {}
    if outcome == "approved" and effect.get("kind") == "discount":
        opening = (
            f"Good news: we can offer you {effect['percent']}% instead."
            if effect.get("modified")
            else f"Good news: your {effect['percent']}% discount was approved."
        )
        return (
            f"{opening} Quotation {effect['number']} now comes to {money(effect['total_net'])} "
            f"{effect['currency']} net ({money(effect['total_gross'])} {effect['currency']} with VAT)."
        )
    if outcome == "approved" and effect.get("kind") == "operation" and effect.get("number"):
        return (
            f"Good news: a colleague has approved it. {effect['number']} comes to "
            f"{money(effect['total_net'])} {effect['currency']} net "
            f"({money(effect['total_gross'])} {effect['currency']} with VAT)."
        )
    if outcome == "approved":
        return "A colleague has approved your request."
    if outcome == "rejected":
        return decision.get("customer_message") or (
            "I'm sorry, we can't approve that request this time. Is there anything else I can do for you?"
        )
    return (
        "I'm sorry, we couldn't confirm your request in time. A colleague will get back to you; "
        "is there anything else I can help with meanwhile?"
    )


def decision_results(decision: dict[str, Any]) -> list[dict[str, Any]]:
    """What the decision granted, in the shape the output guard traces numbers and promises to.

    An approved discount grants a discount (the effect's ``percent``); nothing else grants one, so a
    rejection message that offers one is caught. ``request`` (what was asked, without the guardrail
    verdicts) lets a message repeat the request's own numbers.
    """
    effect = dict(decision.get("effect") or {})
    if decision.get("outcome") == "approved" and effect.get("kind") == "discount":
        effect["discount_percent"] = effect.get("percent")
    return [result for result in (effect, decision.get("request") or {}) if result]
