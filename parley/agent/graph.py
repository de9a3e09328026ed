"""The agent's graph: one shape for both engines.

```
guard_input ─┬─> detect_intent ─┬─> retrieve ─> act ─┬─> guard_output ─> respond ─┬─> END
             │                  └─> escalate <───────┘        ▲                 │
             ├─ blocked, escalate ─> escalate                 │                 │
             └─ blocked ────────────────────────────────────────────────> respond │
                                    escalate ─> guard_output                      │
                         waiting for approval: await_decision (interrupt) <───────┘
                                               └─> respond_to_decision ─> END
```
A discount request and an order go through ``act`` (which asks for the discount or places the order and may
get ``approval_required``); the intents a person must handle go straight to ``escalate``.
"""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from parley.agent.context import AgentContext
from parley.agent.nodes.act import act, route_after_act
from parley.agent.nodes.escalate import await_decision, escalate, is_waiting
from parley.agent.nodes.guards import guard_input, guard_output, input_blocked, input_escalated
from parley.agent.nodes.intent import detect_intent, route_after_intent
from parley.agent.nodes.respond import respond, respond_to_decision
from parley.agent.nodes.retrieve import retrieve
from parley.agent.state import AgentState

__all__ = ["build_graph"]


def _after_input(state: AgentState) -> str:
    if input_escalated(state):
        return "escalate"
    return "respond" if input_blocked(state) else "detect_intent"


def _after_respond(state: AgentState) -> str:
    return "await_decision" if is_waiting(state) else END


def build_graph(checkpointer: BaseCheckpointSaver[Any] | None = None) -> Any:
    """Compile the graph; with a checkpointer each conversation (thread) keeps its memory between turns."""
    graph = StateGraph(AgentState, context_schema=AgentContext)
    graph.add_node("guard_input", guard_input)
    graph.add_node("detect_intent", detect_intent)
    graph.add_node("retrieve", retrieve)
    graph.add_node("act", act)
    graph.add_node("escalate", escalate)
    graph.add_node("guard_output", guard_output)
    graph.add_node("respond", respond)
    graph.add_node("await_decision", await_decision)
    graph.add_node("respond_to_decision", respond_to_decision)
    graph.add_edge(START, "guard_input")
    graph.add_conditional_edges("guard_input", _after_input, ["detect_intent", "escalate", "respond"])
    graph.add_conditional_edges("detect_intent", route_after_intent, ["retrieve", "escalate"])
    graph.add_edge("retrieve", "act")
    graph.add_conditional_edges("act", route_after_act, ["guard_output", "escalate"])
    graph.add_edge("escalate", "guard_output")
    graph.add_edge("guard_output", "respond")
    graph.add_conditional_edges("respond", _after_respond, ["await_decision", END])
    graph.add_edge("await_decision", "respond_to_decision")
    graph.add_edge("respond_to_decision", END)
    return graph.compile(checkpointer=checkpointer)
