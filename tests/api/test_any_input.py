"""No request, however malformed, makes an operation of the API fail with a server error.

The schemathesis CLI reads the OpenAPI document of a live server holding the demo shop and sends each operation
values its schema allows and values it forbids. Path ids are the ids of real rows, so the requests reach the
business rules behind the 404. Every refusal must come in the error envelope (``tests/support/api_checks.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.live_server import LiveServer, serve

pytestmark = pytest.mark.slow  # a live server and some 1,500 requests (about a minute)

#: Logging out or changing the password would end the session the other requests use; each accepted edit of
#: an intent's phrases retrains the business's classifier (seconds of CPU each, 20 s of this test's minute),
#: and its bad input has its own tests (``tests/agent/test_intents_api.py``).
_LEFT_OUT = r"^/api/v1/auth/|^/api/v1/assistant/intents/"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve(Path(tmp_path_factory.mktemp("any-input")))


def _real_rows(base_url: str) -> tuple[str, dict[str, str]]:
    """An admin's token and, by path parameter name, the id of one row of each kind."""
    with httpx.Client(base_url=f"{base_url}/api/v1", timeout=30) as http:
        login = {"email": "admin@demo.parley.dev", "password": "parley-demo"}
        token = http.post("/auth/login", json=login).json()["data"]["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"

        def made(path: str, body: dict[str, Any]) -> str:
            response = http.post(path, json=body)
            assert response.status_code in (200, 201), response.text
            data = response.json()["data"]
            return data.get("message_id") or data["id"]

        def first(path: str, **params: str) -> str:
            return http.get(path, params=params).json()["data"][0]["id"]

        product, customer = first("/products"), first("/customers")
        lines = [{"product_id": product, "quantity": 2}]
        invoiced = made("/orders", {"customer_id": customer, "lines": lines})
        made(f"/orders/{invoiced}/confirm", {})
        conversation = made("/conversations", {"channel": "web"})
        rule = {"name": "Bulk", "kind": "quantity_break", "percent": 5, "min_quantity": 10}
        mailbox = {"channel": "email", "name": "Shop", "address": "shop@example.com", "enabled": False}
        return token, {
            "product_id": product,
            "customer_id": customer,
            "order_id": made("/orders", {"customer_id": customer, "lines": lines}),
            "quotation_id": made("/quotations", {"customer_id": customer, "lines": lines}),
            "invoice_id": made("/invoices", {"order_id": invoiced}),
            "rule_id": made("/pricing/rules", rule),
            "template_id": made("/assistant/templates", {"key": "greeting", "language": "en", "text": "Hi!"}),
            "key_id": made("/admin/api-keys", {"name": "fuzz", "scopes": ["products:read"]}),
            "reservation_id": made(f"/stock/{product}/reservations", {"quantity": 1}),
            "channel_id": made("/channels", mailbox),
            "article_id": first("/knowledge-base/articles"),
            "faq_id": first("/knowledge-base/faqs"),
            "conversation_id": conversation,
            "message_id": made(f"/conversations/{conversation}/messages", {"text": "I want 30% off 40 bars"}),
            "approval_id": first("/hitl/approvals"),
            "user_id": first("/admin/users", role="sales_rep"),
            "intent": "greeting",
        }


def test_no_request_makes_a_server_error_and_every_refusal_is_an_envelope(
    live: LiveServer, tmp_path: Path
) -> None:
    token, rows = _real_rows(live.base_url)
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        "[parameters]\n" + "".join(f'{name} = "{value}"\n' for name, value in rows.items()), encoding="utf-8"
    )
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config),
        "run", f"{live.base_url}/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        "--checks", "not_a_server_error,error_envelope",
        "--phases", "fuzzing",
        "--max-examples", "5",
        "--seed", "1",
        "--workers", "2",
        "--request-timeout", "30",
        "--exclude-path-regex", _LEFT_OUT,
        "--no-color",
        "--report-dir", str(tmp_path / "report"),
    ]  # fmt: skip
    checkout = str(Path(__file__).resolve().parents[2])
    search_path = os.pathsep.join(filter(None, [checkout, os.environ.get("PYTHONPATH")]))
    environment = os.environ | {"SCHEMATHESIS_HOOKS": "tests.support.api_checks", "PYTHONPATH": search_path}
    run = subprocess.run(
        command, capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=540, check=False
    )  # in tmp_path, where the CLI keeps its cache of crashes
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "passed" in run.stdout
