"""τ²-bench retail: a task's slice imports, and replaying its gold actions in Parley reaches τ²'s end state."""

from __future__ import annotations

import asyncio

import pytest

from parley.evals.sandbox import ShopTemplate
from parley.evals.tau2 import Tau2Data, footprint, replay_task
from parley.evals.tau2.gold import apply_gold, initial_state
from tests.evals.conftest import TAU2_TASKS

pytestmark = [pytest.mark.backend("sqlite"), pytest.mark.slow]


@pytest.fixture
def data(tau2: Tau2Data | None) -> Tau2Data:
    if tau2 is None:
        pytest.skip("the τ² retail data is not on this machine")
    return tau2


def test_a_tasks_footprint_is_its_user_their_orders_and_their_products(data: Tau2Data) -> None:
    scope = footprint(data.db, data.task("0"))
    assert scope.users == {"yusuf_rossi_9620"}
    assert "#W2378156" in scope.orders
    assert "1656367028" in scope.products  # the mechanical keyboard, whose variants the exchange needs


def test_the_gold_model_refuses_what_tau2_refuses(data: Tau2Data) -> None:
    scope = footprint(data.db, data.task("64"))
    before = initial_state(data.db, scope)
    order = "#W7464385"
    exchange = {"order_id": order, "item_ids": ["1810466394"], "new_item_ids": ["6700049080"]}
    assert (
        apply_gold(before, "exchange_delivered_order_items", exchange | {"payment_method_id": "x"}) == before
    )


def test_replaying_reference_actions_in_parley_reaches_the_tau2_end_state(
    data: Tau2Data, template: ShopTemplate
) -> None:
    async def replay() -> dict[str, list[str]]:
        found = {}
        for task_id in TAU2_TASKS:
            async with template.open(f"tau2-{task_id}") as sandbox:
                found[task_id] = await replay_task(sandbox, data, data.task(task_id))
        return found

    assert asyncio.run(replay()) == {task_id: [] for task_id in TAU2_TASKS}
