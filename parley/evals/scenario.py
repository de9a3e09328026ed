"""The scenario format: a conversation on top of the demo shop, what each turn must show, and the end state.

A suite is a folder of YAML files, each holding ``scenarios:`` (and optional file-wide ``tags:``). The
models forbid unknown keys, so a typo in a suite fails loudly instead of silently checking nothing.
Texts may name orders made in the setup as ``{order:REF}``; they are replaced by the order's number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "EndState",
    "Expect",
    "OrderFixture",
    "Scenario",
    "Setup",
    "ToolExpect",
    "Turn",
    "load_suite",
]

_FORBID = ConfigDict(extra="forbid")


class ToolExpect(BaseModel):
    """A tool the agent must call, with a subset of its arguments."""

    model_config = _FORBID

    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class PriceExpect(BaseModel):
    """The reply must quote the pricing engine's totals for this line (for the conversation's customer)."""

    model_config = _FORBID

    sku: str
    quantity: int = Field(1, ge=1)


class Expect(BaseModel):
    """What one turn must show; every field left out is not checked."""

    model_config = _FORBID

    intent: str | list[str] | None = None
    entities: dict[str, Any] = Field(default_factory=dict)
    tools: list[ToolExpect] = Field(default_factory=list)
    tools_not: list[str] = Field(default_factory=list, description="Tools that must not be called.")
    no_tools: bool = False
    reply_contains: list[str] = Field(default_factory=list, description="Case-insensitive.")
    reply_not_contains: list[str] = Field(default_factory=list, description="Case-insensitive.")
    reply_matches: str | None = Field(None, description="A regular expression searched in the reply.")
    grounded: bool | None = Field(None, description="Every number in the reply comes from a tool result.")
    price: PriceExpect | None = None
    stock_of: str | None = Field(None, description="SKU whose available stock the reply must state.")
    guardrail: Literal["input", "output", "any"] | None = None
    escalated: bool | None = None
    approval: bool | None = None
    status: str | None = None
    silent: bool | None = Field(None, description="No reply at all (a person has the conversation).")


class Turn(BaseModel):
    """A customer message and its expectations."""

    model_config = _FORBID

    say: str
    expect: Expect = Field(default_factory=Expect)


class OrderFixture(BaseModel):
    """An order made before the conversation, by email of its customer, moved to a status."""

    model_config = _FORBID

    ref: str
    customer: str
    lines: list[dict[str, Any]] = Field(min_length=1, description="``{sku, quantity}`` items.")
    status: Literal["pending", "confirmed", "fulfilled", "delivered", "cancelled"] = "pending"


class Setup(BaseModel):
    """Fixtures on top of the demo shop."""

    model_config = _FORBID

    customers: list[dict[str, Any]] = Field(default_factory=list, description="CustomerCreate fields.")
    stock: dict[str, int] = Field(default_factory=dict, description="SKU → units on hand.")
    pricing_rules: list[dict[str, Any]] = Field(
        default_factory=list, description="RuleCreate fields; ``sku`` instead of ``product_id``."
    )
    thresholds: dict[str, dict[str, float]] = Field(default_factory=dict, description="tiers / roles.")
    orders: list[OrderFixture] = Field(default_factory=list)


class EndState(BaseModel):
    """The database after the conversation, whatever path the agent took (as τ-bench scores)."""

    model_config = _FORBID

    orders: dict[str, dict[str, Any]] = Field(default_factory=dict, description="ref → field subset.")
    stock: dict[str, dict[str, int]] = Field(default_factory=dict, description="SKU → on_hand/reserved.")
    counts: dict[Literal["orders", "quotations", "approvals"], int] = Field(default_factory=dict)


class Scenario(BaseModel):
    """One conversation to run and judge."""

    model_config = _FORBID

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    tags: list[str] = Field(default_factory=list)
    channel: str = "web"
    customer: str | None = Field(None, description="Email of the customer writing; None is anonymous.")
    setup: Setup = Field(default_factory=Setup)
    turns: list[Turn] = Field(min_length=1)
    end_state: EndState = Field(default_factory=EndState)
    rubric: str | None = Field(None, description="What a good conversation looks like, for the LLM judge.")
    source: str = ""

    @model_validator(mode="after")
    def _order_refs_exist(self) -> Scenario:
        refs = {order.ref for order in self.setup.orders}
        missing = set(self.end_state.orders) - refs
        if missing:
            raise ValueError(f"end_state names orders not in the setup: {sorted(missing)}")
        return self

    @property
    def intents(self) -> list[str]:
        """The intents its turns expect (for reports by intent)."""
        found: list[str] = []
        for turn in self.turns:
            wanted = turn.expect.intent
            found += [wanted] if isinstance(wanted, str) else list(wanted or [])
        return found


def _load_file(path: Path) -> list[Scenario]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or "scenarios" not in raw:
        raise ValueError(f"{path}: a suite file holds a mapping with 'scenarios:'")
    shared = list(raw.get("tags", []))
    scenarios = []
    for item in raw["scenarios"]:
        try:
            scenario = Scenario.model_validate({**item, "tags": shared + list(item.get("tags", []))})
        except ValidationError as exc:
            raise ValueError(f"{path}: scenario {item.get('id', '?')!r}: {exc}") from exc
        scenarios.append(scenario.model_copy(update={"source": str(path)}))
    return scenarios


def load_suite(path: Path, *, tags: list[str] | None = None) -> list[Scenario]:
    """Every scenario of a suite folder (or one file), optionally only those with one of the tags."""
    files = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    scenarios = [scenario for file in files for scenario in _load_file(file)]
    seen: set[str] = set()
    for scenario in scenarios:
        if scenario.id in seen:
            raise ValueError(f"two scenarios share the id {scenario.id!r}")
        seen.add(scenario.id)
    if tags:
        scenarios = [s for s in scenarios if set(tags) & set(s.tags) or s.id in tags]
    return scenarios
