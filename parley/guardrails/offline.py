"""Import guardrails-ai without it touching the network.

guardrails-ai 0.11 does three things on import or first use that fail or leak here:

* ``guardrails.utils.docs_utils`` looks for NLTK's ``tokenizers/punkt`` and, when it is missing, downloads
  it from GitHub. We point ``NLTK_DATA`` at a folder inside this package that holds an (empty) punkt
  folder, so the lookup succeeds and nothing is fetched.
* ``RC.load()`` reads ``~/.guardrailsrc`` at import and again in every ``Guard()`` (``Guard.configure``
  calls ``_load_rc``); with no file, ``enable_metrics`` defaults to true and validators start hub
  telemetry. Writing into the user's home would be a side effect and a file anywhere else is never read,
  so we replace ``RC.load`` with one that returns an rc with metrics and remote inference off, and set
  ``settings.rc`` to it.
* Without ``GUARDRAILS_RUN_SYNC`` it validates on an asyncio loop of its own; our checks are CPU-bound, so
  we ask for the sequential service, which also keeps event-loop warnings out of the test suite.

Import guardrails only through :func:`import_guardrails` (it costs about 6 s, so callers do it lazily).
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from pathlib import Path
from types import ModuleType

__all__ = ["NLTK_DATA_DIR", "import_guardrails", "prepare_environment"]

NLTK_DATA_DIR = Path(__file__).with_name("nltk_data")
_lock = threading.Lock()


def prepare_environment() -> None:
    """Point NLTK at the packaged data folder and ask guardrails for sequential validation."""
    folder = str(NLTK_DATA_DIR)
    current = os.environ.get("NLTK_DATA", "")
    if folder not in current.split(os.pathsep):
        os.environ["NLTK_DATA"] = os.pathsep.join(p for p in (folder, current) if p)
    os.environ.setdefault("GUARDRAILS_RUN_SYNC", "true")
    nltk_data = sys.modules.get("nltk.data")
    if nltk_data is not None and folder not in nltk_data.path:  # nltk read NLTK_DATA before we set it
        nltk_data.path.insert(0, folder)


def _offline_rc(rc_class: type) -> object:
    return rc_class(enable_metrics=False, use_remote_inferencing=False)


def import_guardrails() -> ModuleType:
    """The ``guardrails`` module, imported offline with metrics off; safe to call many times."""
    with _lock:
        already = "guardrails" in sys.modules
        prepare_environment()
        with warnings.catch_warnings():
            # typer (a guardrails CLI dependency) uses click APIs that click deprecates; not ours to fix.
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="typer")
            warnings.filterwarnings("ignore", category=DeprecationWarning, message=r".*click\.")
            import guardrails
            from guardrails.classes.rc import RC
        if not already or not getattr(RC.load, "_parley_offline", False):

            def load(cls: type, logger: object = None) -> object:
                return _offline_rc(cls)

            load._parley_offline = True  # type: ignore[attr-defined]
            RC.load = classmethod(load)  # type: ignore[method-assign,assignment]
            guardrails.settings.rc = _offline_rc(RC)
        return guardrails
