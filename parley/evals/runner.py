"""Running scenarios: each in its own copy of the shop, several at once, every turn through AgentService.

The agent is driven exactly as the web chat drives it (``handle_message`` on a conversation of the
scenario's channel and customer), so what passes here is what a customer would get.
"""

from __future__ import annotations

import asyncio
import re
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from parley.agent.conversations import service as conversations
from parley.evals.checks import check_turn
from parley.evals.end_state import approvals_count, check_end_state
from parley.evals.fixtures import apply_setup, customer_id, product_id
from parley.evals.judge import Judge
from parley.evals.results import RunResult, ScenarioResult, SuiteResult, TurnResult
from parley.evals.sandbox import Sandbox, ShopTemplate
from parley.evals.scenario import Expect, Scenario

__all__ = ["run_scenario", "run_suite"]

_PLACEHOLDER = re.compile(r"\{(order|sku|customer):([^{}]+)\}")


async def _resolve_refs(sandbox: Sandbox, scenario: Scenario) -> None:
    """Look up every ``{sku:…}`` and ``{customer:…}`` the scenario names (orders come from the setup)."""
    names = set(_PLACEHOLDER.findall(scenario.model_dump_json()))
    async with sandbox.runtime.db.session(sandbox.tenant_id) as session:
        for kind, name in names:
            if kind == "sku":
                sandbox.refs[f"sku:{name}"] = str(await product_id(session, name))
            elif kind == "customer":
                sandbox.refs[f"customer:{name}"] = str(await customer_id(session, name))


def _fill(value: Any, refs: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: str(refs[f"{m.group(1)}:{m.group(2)}"]), value)
    if isinstance(value, dict):
        return {k: _fill(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, refs) for v in value]
    return value


async def _conversation(sandbox: Sandbox, scenario: Scenario) -> tuple[uuid.UUID, uuid.UUID | None]:
    async with sandbox.runtime.db.transaction(sandbox.tenant_id) as session:
        customer = await customer_id(session, scenario.customer) if scenario.customer else None
        conversation = await conversations.create_conversation(
            session, None, channel=scenario.channel, customer_id=customer
        )
    return conversation.id, customer


async def _run_once(template: ShopTemplate, scenario: Scenario, name: str, judge: Judge | None) -> RunResult:
    run = RunResult()
    async with template.open(name) as sandbox:
        try:
            await apply_setup(sandbox, scenario.setup)
            await _resolve_refs(sandbox, scenario)
            conversation, customer = await _conversation(sandbox, scenario)
            for turn in scenario.turns:
                said = _fill(turn.say, sandbox.refs)
                expect = Expect.model_validate(_fill(turn.expect.model_dump(), sandbox.refs))
                before = await approvals_count(sandbox)
                started = time.perf_counter()
                out = await sandbox.agent.handle_message(sandbox.tenant_id, conversation, said)
                latency = (time.perf_counter() - started) * 1000
                created = await approvals_count(sandbox) - before
                failures, score = await check_turn(
                    sandbox, expect, out, said=said, customer=customer, approvals_created=created
                )
                if out.metrics.get("error"):
                    failures.append(f"the turn failed inside the agent ({out.metrics['error']})")
                tokens = out.metrics.get("tokens") or {}
                run.turns.append(
                    TurnResult(
                        say=said,
                        reply=out.response,
                        intent=out.intent,
                        status=out.status,
                        tools=[call["name"] for call in out.tool_calls],
                        failures=failures,
                        latency_ms=round(latency, 2),
                        tokens=int(tokens.get("prompt", 0)) + int(tokens.get("completion", 0)),
                        cost=float(out.metrics.get("cost") or 0.0),
                        tp=score.tp,
                        fp=score.fp,
                        fn=score.fn,
                    )
                )
            run.end_state = await check_end_state(sandbox, scenario.end_state)
            if judge is not None:
                verdict = await judge.grade(run, scenario.rubric)
                run.judge = {
                    "score": verdict.score,
                    "reason": verdict.reason,
                    "failure": judge.failure(verdict),
                }
        except Exception as exc:  # a broken scenario or a crash is a failed run, never a stopped suite
            run.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    return run


async def run_scenario(
    template: ShopTemplate, scenario: Scenario, *, repeat: int = 1, judge: Judge | None = None
) -> ScenarioResult:
    """Run one scenario ``repeat`` times, each in a fresh shop, judged by the LLM judge when one is given."""
    runs = [await _run_once(template, scenario, f"{scenario.id}-{i}", judge) for i in range(repeat)]
    return ScenarioResult(
        id=scenario.id,
        title=scenario.title,
        tags=scenario.tags,
        intents=scenario.intents,
        source=scenario.source,
        runs=runs,
    )


async def run_suite(
    template: ShopTemplate,
    scenarios: list[Scenario],
    *,
    engine: str,
    repeat: int = 1,
    concurrency: int = 2,
    judge: Judge | None = None,
    on_done: Callable[[ScenarioResult], None] | None = None,
) -> SuiteResult:
    """Run scenarios side by side (each has its own shop), reporting each as it finishes."""
    started = time.perf_counter()
    await template.tenant_id()
    gate = asyncio.Semaphore(concurrency)

    async def one(scenario: Scenario) -> ScenarioResult:
        async with gate:
            result = await run_scenario(template, scenario, repeat=repeat, judge=judge)
        if on_done is not None:
            on_done(result)
        return result

    results = await asyncio.gather(*(one(scenario) for scenario in scenarios))
    return SuiteResult(
        engine=engine, repeat=repeat, scenarios=list(results), seconds=time.perf_counter() - started
    )
