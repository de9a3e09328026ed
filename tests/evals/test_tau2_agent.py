"""τ² tasks as scenarios: a simulated customer (a scripted OpenAI-compatible server) talks to the agent.

The offline agent cannot do τ²'s tasks; these tests check that the conversation happens and that the end
state and ``communicate_info`` are scored, not that the agent passes.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from typer.testing import CliRunner

from parley.cli import app
from parley.core.settings import Settings
from parley.devtools.scripted_llm import FakeOpenAIServer
from parley.evals.results import SuiteResult
from parley.evals.sandbox import ShopTemplate
from parley.evals.tau2 import Tau2Data, Tau2Scenario, UserSimulator, score_tasks
from parley.evals.tau2.user_sim import STOP
from tests.evals.conftest import TAU2

pytestmark = [pytest.mark.backend("sqlite"), pytest.mark.slow]

OPENING = "Hi, I am Yusuf Rossi, zip 19122. I want to exchange two items of order #W2378156."


@pytest.fixture(scope="module")
def data(tau2: Tau2Data | None) -> Tau2Data:
    if tau2 is None:
        pytest.skip("the τ² retail data is not on this machine")
    return tau2


def _customer(body: dict[str, Any]) -> dict[str, Any]:
    """Open with the request, stop once the agent has answered it (τ²'s stop token)."""
    answered = any(message["role"] == "assistant" for message in body["messages"])
    return {"content": f"Thanks. {STOP}" if answered else OPENING}


@pytest.fixture(scope="module")
def scored(data: Tau2Data, template: ShopTemplate) -> tuple[SuiteResult, FakeOpenAIServer]:
    with FakeOpenAIServer(respond=_customer) as server:
        settings = Settings(environment="test", llm_base_url=server.base_url, _env_file=None)
        simulator = UserSimulator.from_settings(settings)
        result = asyncio.run(
            score_tasks(template, data, ["0", "2", "57"], simulator, engine="offline", concurrency=1)
        )
    return result, server


def test_the_simulated_customer_talks_to_the_agent_until_it_says_stop(
    scored: tuple[SuiteResult, FakeOpenAIServer],
) -> None:
    result, server = scored
    for scenario in result.scenarios:
        (run,) = scenario.runs
        assert run.error is None
        assert [turn.say for turn in run.turns] == [OPENING]
        assert run.turns[0].reply
    assert len(server.requests) == 6  # per task: the opening, then the stop after the agent's reply
    system, *_ = server.requests[0]["messages"]
    assert "Yusuf Rossi in zip code 19122" in system["content"]
    answered = server.requests[1]["messages"]
    assert answered[-1]["role"] == "user" and answered[-2]["content"] == OPENING


def test_the_end_state_is_compared_with_the_one_the_reference_actions_reach(
    scored: tuple[SuiteResult, FakeOpenAIServer],
) -> None:
    result, _ = scored
    by_id = {scenario.id: scenario for scenario in result.scenarios}
    assert not by_id["tau2-0"].passed  # the exchange was not made
    assert any("#W2378156 kept" in line for line in by_id["tau2-0"].runs[0].end_state)
    assert by_id["tau2-57"].passed  # nothing to change and nothing to tell: leaving the shop alone passes
    assert result.metrics()["pass_rate"] == round(1 / 3, 4)


def test_a_task_fails_when_no_reply_tells_its_communicate_info(
    scored: tuple[SuiteResult, FakeOpenAIServer], data: Tau2Data
) -> None:
    result, _ = scored
    (task,) = [scenario for scenario in result.scenarios if scenario.id == "tau2-2"]
    assert Tau2Scenario.of(data, data.task("2")).communicate == ["10"]
    assert "τ² communicate_info '10' is in no reply" in task.runs[0].end_state


def test_scoring_an_agent_without_an_endpoint_for_the_simulator_exits_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PARLEY_LLM_BASE_URL", raising=False)
    outcome = CliRunner().invoke(app, ["eval", "tau2", "--data", str(TAU2), "--agent", "--limit", "1"])
    assert outcome.exit_code == 2
    assert "PARLEY_LLM_BASE_URL" in outcome.output
