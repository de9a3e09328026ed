import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # each case starts a Python that imports guardrails-ai

_AUDIT = textwrap.dedent(
    """
    import sys
    attempts = []
    def refuse_network(event, args):
        if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"):
            attempts.append((event, str(args)[:120]))
            raise OSError("network disabled by the test")
    sys.addaudithook(refuse_network)
    """
)


def _run(body: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NLTK_DATA", "GUARDRAILS_RUN_SYNC")}
    code = _AUDIT + textwrap.dedent(body) + "\nprint('ATTEMPTS', attempts)\n"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT
    )


def test_importing_guardrails_offline_and_validating_makes_no_network_attempt():
    result = _run(
        """
        from parley.guardrails.offline import import_guardrails
        guardrails = import_guardrails()
        from parley.guardrails.guardrails_ai import build_output_guard
        outcome = build_output_guard().validate("Total: €20.59", metadata={"tool_results": [{"total": 20.59}]})
        assert outcome.validation_passed, outcome
        assert guardrails.settings.rc.enable_metrics is False
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ATTEMPTS []" in result.stdout


def test_a_plain_guardrails_import_would_try_the_network_which_this_test_detects():
    probe = _run(
        "import nltk\ntry:\n    nltk.data.find('tokenizers/punkt')\n    print('HAS_PUNKT')\nexcept LookupError:\n    pass\n"
    )
    if "HAS_PUNKT" in probe.stdout:
        pytest.skip("this machine has NLTK punkt installed, so guardrails would not download it")
    result = _run("import guardrails\n")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "raw.githubusercontent.com" in result.stdout
