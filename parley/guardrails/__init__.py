"""Parley guardrails: checks on customer messages, documents and draft replies.

Every check returns a :class:`Verdict`. Input checks (injection, blocked topics, message size, personal
data) run on each customer message with the turn's shared MiniLM vector; document checks run on emails
and retrieved documents; output checks (grounded numbers, promises, leaks, tone) run on each draft reply
with the tool results of the same turn. A :class:`GuardrailProfile` says which run and how strictly.
Nothing here imports torch or guardrails-ai at import time; :mod:`parley.guardrails.guardrails_ai` wraps
the checks as guardrails-ai validators on demand.
"""

from parley.guardrails.grounding import check_grounding
from parley.guardrails.indirect import DocumentInjectionDetector
from parley.guardrails.injection import InjectionDetector
from parley.guardrails.leaks import check_leaks
from parley.guardrails.pii import check_pii, find_pii, redact_pii
from parley.guardrails.pipeline import DocumentGuard, GuardResult, InputGuard, OutputGuard
from parley.guardrails.profile import PROFILES, GuardrailProfile, get_profile
from parley.guardrails.promises import check_promises
from parley.guardrails.tone import check_tone
from parley.guardrails.topics import HARMFUL_TOPICS, TopicChecker, check_message_size
from parley.guardrails.verdict import Action, Verdict, worst

__all__ = [
    "HARMFUL_TOPICS",
    "PROFILES",
    "Action",
    "DocumentGuard",
    "DocumentInjectionDetector",
    "GuardResult",
    "GuardrailProfile",
    "InjectionDetector",
    "InputGuard",
    "OutputGuard",
    "TopicChecker",
    "Verdict",
    "check_grounding",
    "check_leaks",
    "check_message_size",
    "check_pii",
    "check_promises",
    "check_tone",
    "find_pii",
    "get_profile",
    "redact_pii",
    "worst",
]
