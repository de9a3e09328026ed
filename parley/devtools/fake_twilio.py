"""A fake Twilio REST API (the Messages resource) that the real ``twilio`` client can send to."""

from __future__ import annotations

import itertools
import re
from typing import Any

from parley.devtools.provider_server import ProviderServer

__all__ = ["FakeTwilio"]

_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Messages\.json$")
_ACCOUNT = re.compile(r"^/2010-04-01/Accounts/(AC\w+)\.json$")


class FakeTwilio(ProviderServer):
    """Accepts ``POST /2010-04-01/Accounts/{sid}/Messages.json`` and answers a queued message resource.

    ``GET /2010-04-01/Accounts/{sid}.json`` answers the account (what test-connection fetches).
    """

    def __init__(self) -> None:
        counter = itertools.count(1)

        def handle(method: str, path: str, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            account = _ACCOUNT.match(path.split("?")[0])
            if method == "GET" and account is not None:
                sid = account.group(1)
                return 200, {"sid": sid, "friendly_name": "Parley test", "status": "active", "type": "Full"}
            match = _MESSAGES.match(path.split("?")[0])
            if method != "POST" or match is None:
                return 404, {"code": 20404, "message": "not found", "status": 404}
            sid = f"SM{next(counter):032x}"
            return 201, {
                "sid": sid,
                "account_sid": match.group(1),
                "to": fields.get("To"),
                "from": fields.get("From"),
                "body": fields.get("Body"),
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{match.group(1)}/Messages/{sid}.json",
            }

        super().__init__(handle)

    @property
    def sent(self) -> list[dict[str, Any]]:
        """The form fields of every accepted message."""
        return [
            r["fields"] for r in self.requests if r["path"].endswith("/Messages.json") and not r["failed"]
        ]
