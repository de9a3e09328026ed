"""Scoring an agent on τ² tasks: each task is a scenario held in memory, driven by a simulated customer.

A task's setup is its slice of the τ² shop, its conversation is the simulator playing the task's
``user_scenario`` against :class:`~parley.agent.service.AgentService`, and it passes as τ² scores retail
(basis DB × COMMUNICATE): the end state equals the one τ²'s reference actions reach (the comparison the
replay uses), and every ``communicate_info`` string appears in some reply. Results are the harness's own,
so pass rate, pass^k and the reports come for free.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parley.agent.conversations import service as conversations
from parley.demo.seed import seed_actor
from parley.evals.results import RunResult, ScenarioResult, SuiteResult, TurnResult
from parley.evals.sandbox import Sandbox, ShopTemplate
from parley.evals.tau2.data import Footprint, Tau2Data, footprint
from parley.evals.tau2.gold import expected_state
from parley.evals.tau2.replay import differences, parley_state
from parley.evals.tau2.shop import import_slice
from parley.evals.tau2.user_sim import STOP, Exchange, UserSimulator, instructions_of

__all__ = ["Tau2Scenario", "run_episode", "score_tasks"]


@dataclass(frozen=True)
class Tau2Scenario:
    """A τ² task as the harness scores it: the shop slice, the expected end state, what must be told."""

    task: dict[str, Any]
    scope: Footprint
    expected: dict[str, Any]
    communicate: list[str]

    @classmethod
    def of(cls, data: Tau2Data, task: dict[str, Any]) -> Tau2Scenario:
        """Build it from the task's reference actions and ``communicate_info``."""
        scope = footprint(data.db, task)
        criteria = task["evaluation_criteria"]
        return cls(
            task, scope, expected_state(data.db, task, scope), list(criteria.get("communicate_info") or [])
        )

    @property
    def id(self) -> str:
        """``tau2-<task id>``, the scenario id in reports."""
        return f"tau2-{self.task['id']}"


def _untold(infos: list[str], replies: list[str]) -> list[str]:
    """τ²'s COMMUNICATE check: each string, case-insensitively, in a reply with its commas removed."""
    said = [reply.lower().replace(",", "") for reply in replies]
    return [
        f"τ² communicate_info {info!r} is in no reply"
        for info in infos
        if not any(info.lower() in s for s in said)
    ]


async def run_episode(
    sandbox: Sandbox, scenario: Tau2Scenario, data: Tau2Data, simulator: UserSimulator, *, max_turns: int
) -> RunResult:
    """Import the slice, let the simulator talk to the agent until it stops, then score the end state."""
    run = RunResult()
    try:
        async with sandbox.runtime.db.transaction(sandbox.tenant_id) as session:
            ids = await import_slice(session, seed_actor(sandbox.tenant_id), data.db, scenario.scope)
            conversation = await conversations.create_conversation(
                session, None, channel="web", customer_id=None
            )
        history: list[Exchange] = []
        finished = False
        while len(history) < max_turns and not finished:
            said = await simulator.next_message(scenario.task, history)
            if STOP in said:
                finished = True
                continue
            started = time.perf_counter()
            out = await sandbox.agent.handle_message(sandbox.tenant_id, conversation.id, said)
            error = out.metrics.get("error")
            run.turns.append(
                TurnResult(
                    say=said,
                    reply=out.response,
                    intent=out.intent,
                    status=out.status,
                    tools=[call["name"] for call in out.tool_calls],
                    failures=[f"the turn failed inside the agent ({error})"] if error else [],
                    latency_ms=round((time.perf_counter() - started) * 1000, 2),
                )
            )
            history.append(Exchange(said, out.response))
            finished = not out.response  # a person has the conversation: τ²'s transfer ends it too
        async with sandbox.runtime.db.session(sandbox.tenant_id) as session:
            run.end_state = differences(scenario.expected, await parley_state(session, ids, scenario.scope))
        run.end_state += _untold(scenario.communicate, [exchange.reply for exchange in history])
        if not finished:
            run.end_state.append(f"the simulated customer did not finish within {max_turns} turns")
    except Exception as exc:  # one broken episode is a failed run, never a stopped benchmark
        run.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    return run


async def score_tasks(
    template: ShopTemplate,
    data: Tau2Data,
    task_ids: list[str],
    simulator: UserSimulator,
    *,
    engine: str,
    repeat: int = 1,
    max_turns: int = 20,
    concurrency: int = 2,
    on_done: Callable[[ScenarioResult], None] | None = None,
) -> SuiteResult:
    """Run every task ``repeat`` times, each run in a fresh copy of the shop; pass^k needs all k to pass."""
    started = time.perf_counter()
    await template.tenant_id()
    gate = asyncio.Semaphore(concurrency)

    async def one(scenario: Tau2Scenario) -> ScenarioResult:
        runs = []
        async with gate:
            for i in range(repeat):
                async with template.open(f"{scenario.id}-agent-{i}") as sandbox:
                    runs.append(await run_episode(sandbox, scenario, data, simulator, max_turns=max_turns))
        result = ScenarioResult(
            id=scenario.id,
            title=instructions_of(scenario.task)[:120],
            tags=["tau2"],
            intents=[],
            source="tasks.json",
            runs=runs,
        )
        if on_done is not None:
            on_done(result)
        return result

    scenarios = [Tau2Scenario.of(data, data.task(task_id)) for task_id in task_ids]
    results = await asyncio.gather(*(one(scenario) for scenario in scenarios))
    return SuiteResult(
        engine=engine, repeat=repeat, scenarios=list(results), seconds=time.perf_counter() - started
    )
