"""Loading the provider payloads of the shared data sets (see channel_payloads/SOURCE.md there)."""

from __future__ import annotations

import json
from typing import Any

from parley.devdata import shared_data_dir

DATA = shared_data_dir() / "channel_payloads"


def load_json(relative: str) -> Any:
    return json.loads((DATA / relative).read_text(encoding="utf-8"))


def read_bytes(relative: str) -> bytes:
    return (DATA / relative).read_bytes()


def email_manifest() -> list[dict[str, Any]]:
    return load_json("email/manifest.json")


def telegram_examples() -> list[dict[str, Any]]:
    return load_json("telegram/telegram_docs_example_updates.json")


def twilio_vectors() -> dict[str, Any]:
    return load_json("twilio/request_validator_vectors.json")
