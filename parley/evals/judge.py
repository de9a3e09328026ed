"""An optional LLM judge of reply quality, for what string checks cannot see (tone, helpfulness, clarity).

It only runs when asked (``--judge``) and an LLM endpoint is configured; its score is a failure below the
minimum, so a rubric can guard a prompt change the way an expectation guards a fact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from parley.evals.results import RunResult

__all__ = ["DEFAULT_RUBRIC", "Judge", "JudgeVerdict"]

DEFAULT_RUBRIC = (
    "The agent answers what the customer asked, politely and briefly, in the customer's language; it does not "
    "invent facts, prices or promises; when it cannot help it says so and offers a person."
)
_INSTRUCTIONS = (
    "You grade a customer-service conversation of an industrial supplier's chat agent against a rubric. "
    'Answer with JSON only: {"score": 1-5, "reason": "one sentence"}. 5 fully meets the rubric, 1 fails it.'
)


@dataclass(frozen=True)
class JudgeVerdict:
    """A score from 1 to 5 (None when the judge's answer could not be read) and its reason."""

    score: int | None
    reason: str


def _transcript(run: RunResult) -> str:
    return "\n".join(f"Customer: {turn.say}\nAgent: {turn.reply or '(no reply)'}" for turn in run.turns)


def _parse(text: str) -> JudgeVerdict:
    found = re.search(r"\{.*\}", text, re.S)
    try:
        data = json.loads(found.group(0) if found else text)
        return JudgeVerdict(score=int(data["score"]), reason=str(data.get("reason", "")))
    except (ValueError, KeyError, TypeError):
        return JudgeVerdict(score=None, reason=f"unreadable judge answer: {text[:200]}")


class Judge:
    """Grades transcripts with a chat model; ``minimum`` is the lowest passing score."""

    def __init__(self, model: Any, *, minimum: int = 3) -> None:
        self.model = model
        self.minimum = minimum

    @classmethod
    def from_settings(cls, settings: Any, *, minimum: int = 3) -> Judge:
        """A judge on the configured OpenAI-compatible endpoint (langchain-openai is imported only here)."""
        from langchain_openai import ChatOpenAI

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        model = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=key,
            temperature=0,
            max_retries=2,
        )
        return cls(model, minimum=minimum)

    async def grade(self, run: RunResult, rubric: str | None) -> JudgeVerdict:
        """Score one run's transcript against the scenario's rubric (or the default one)."""
        prompt = f"Rubric: {rubric or DEFAULT_RUBRIC}\n\nConversation:\n{_transcript(run)}"
        answer = await self.model.ainvoke([("system", _INSTRUCTIONS), ("user", prompt)])
        return _parse(str(answer.content))

    def failure(self, verdict: JudgeVerdict) -> str | None:
        """The failure line for a verdict below the minimum (an unreadable verdict fails too)."""
        if verdict.score is not None and verdict.score >= self.minimum:
            return None
        return f"judge: score {verdict.score}/5 (minimum {self.minimum}): {verdict.reason}"
