"""Where the public data sets for tests, benchmarks and training scripts live: ``../shared/data`` beside the checkout.

``PARLEY_SHARED_DATA`` overrides it (for a checkout somewhere else).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["shared_data_dir"]


def shared_data_dir() -> Path:
    """The folder holding clinc150/, banking77/, prompt_injection/, channel_payloads/ and the rest."""
    override = os.environ.get("PARLEY_SHARED_DATA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"
