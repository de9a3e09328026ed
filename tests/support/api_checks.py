"""Checks of ours for the schemathesis CLI, which loads this module through ``SCHEMATHESIS_HOOKS``."""

from __future__ import annotations

import json
from typing import Any

import schemathesis


@schemathesis.check
def error_envelope(ctx: Any, response: Any, case: Any) -> None:
    """A refused request is told why in the standard envelope: a code and a message, never a bare status."""
    if response.status_code < 400:
        return
    try:
        error = response.json()["error"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise AssertionError(
            f"{response.status_code} without the error envelope: {response.text[:300]}"
        ) from exc
    if not (error.get("code") and error.get("message")):
        raise AssertionError(f"{response.status_code} envelope without a code or message: {error}")
