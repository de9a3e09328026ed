"""τ²-bench retail in the harness: the shop imported, reference actions replayed through Parley.

Each task's slice of the τ² shop is imported, its gold actions run through Parley's operations, and the end
state compared with the one τ² itself reaches. ``evals/README.md`` says how to score an agent against the
published numbers.
"""

from parley.evals.tau2.data import Tau2Data, footprint
from parley.evals.tau2.replay import replay_all, replay_task
from parley.evals.tau2.shop import import_catalog

__all__ = ["Tau2Data", "footprint", "import_catalog", "replay_all", "replay_task"]
