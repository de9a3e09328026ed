"""Human in the loop: approval requests decided by people, exactly once, and staff taking over conversations.

:mod:`policy` says how urgent each type is, :mod:`service` lists, reads and annotates requests,
:mod:`decisions` approves, rejects, escalates and expires them, :mod:`takeover` hands conversations to staff
and back. None of them imports FastAPI or LangGraph: resuming a paused conversation is the agent's job,
reached through the :data:`~parley.hitl.decisions.Resumer` the caller passes in.
"""
