"""The simulated customer of a τ² task: an LLM playing the task's ``user_scenario``, one message at a time.

τ²-bench scores an agent in conversation with such a simulator, so scoring Parley the same way needs one.
It follows τ²'s convention: the simulator writes ``###STOP###`` when its task is done (or cannot be done),
which ends the conversation. It talks to any OpenAI-compatible endpoint, configured like the agent's LLM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["GREETING", "STOP", "Exchange", "UserSimulator", "instructions_of"]

STOP = "###STOP###"
GREETING = "Hi! How can I help you today?"
"""The agent's opening line the simulator answers first, as in τ²."""

_RULES = f"""You are a customer talking to a shop's customer-service agent. Play the customer described below.
- Write one short message at a time, as a customer would; never act as the agent.
- Give a piece of information only when the agent asks for it or it is needed; do not invent any that is
  not in your instructions (say you do not know instead).
- Follow your instructions exactly, including what to do when the agent cannot do what you ask.
- When your task is done, or cannot be done, reply with {STOP} alone."""


@dataclass(frozen=True)
class Exchange:
    """One simulator message and the agent's reply to it."""

    said: str
    reply: str


def instructions_of(task: dict[str, Any]) -> str:
    """The task's ``user_scenario`` as the simulator's brief (persona, reason, known and unknown facts)."""
    scenario = task["user_scenario"]
    given = scenario.get("instructions") or {}
    if isinstance(given, str):
        return given
    parts = [f"Persona: {scenario['persona']}"] if scenario.get("persona") else []
    labels = {
        "reason_for_call": "Why you are writing",
        "known_info": "What you know",
        "unknown_info": "What you do not know",
        "task_instructions": "How to behave",
    }
    parts += [f"{label}: {given[key]}" for key, label in labels.items() if given.get(key)]
    return "\n".join(parts)


class UserSimulator:
    """Plays one task's customer with a chat model (anything with ``ainvoke``)."""

    def __init__(self, model: Any) -> None:
        self.model = model

    @classmethod
    def from_settings(cls, settings: Any, *, model: str | None = None) -> UserSimulator:
        """A simulator on the configured endpoint (``PARLEY_LLM_*``); ``model`` overrides the model name."""
        from langchain_openai import ChatOpenAI

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        chat = ChatOpenAI(
            model=model or settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=key,
            temperature=0,
            timeout=settings.llm_timeout_s * 3,
            max_retries=2,
        )
        return cls(chat)

    async def next_message(self, task: dict[str, Any], history: list[Exchange]) -> str:
        """The customer's next message after the agent's greeting and the exchanges so far.

        Roles are flipped for the model: the agent speaks as the user, the customer as the assistant.
        """
        messages: list[tuple[str, str]] = [
            ("system", f"{_RULES}\n\n{instructions_of(task)}"),
            ("human", GREETING),
        ]
        for exchange in history:
            messages += [("ai", exchange.said), ("human", exchange.reply or "(no reply)")]
        answer = await self.model.ainvoke(messages)
        return str(answer.content).strip()
