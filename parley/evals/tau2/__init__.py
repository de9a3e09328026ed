"""τ²-bench retail in the harness: the shop imported, reference actions replayed through Parley.

Each task's slice of the τ² shop is imported, its gold actions run through Parley's operations, and the end
state compared with the one τ² itself reaches. With a user simulator, each task is also a scenario an agent
is scored on (:mod:`parley.evals.tau2.episode`); ``evals/README.md`` says how.
"""

from parley.evals.tau2.data import Tau2Data, footprint
from parley.evals.tau2.episode import Tau2Scenario, run_episode, score_tasks
from parley.evals.tau2.replay import replay_all, replay_task
from parley.evals.tau2.shop import import_catalog
from parley.evals.tau2.user_sim import UserSimulator

__all__ = [
    "Tau2Data",
    "Tau2Scenario",
    "UserSimulator",
    "footprint",
    "import_catalog",
    "replay_all",
    "replay_task",
    "run_episode",
    "score_tasks",
]
