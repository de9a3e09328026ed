"""A fake Twilio REST API (the Messages resource) that the real ``twilio`` client can send to."""

from __future__ import annotations

import itertools
import re
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl, urlsplit

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
            if match is None or method not in ("GET", "POST"):
                return 404, {"code": 20404, "message": "not found", "status": 404}
            if method == "GET":
                return 200, self._page(path, match.group(1))
            sid = f"SM{next(counter):032x}"
            resource = {
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
                "date_created": formatdate(usegmt=True),
            }
            with self._lock:
                self.created.append(resource)
                if self._lost_answers:
                    self._lost_answers -= 1
                    return 504, {"code": 20504, "message": "Gateway timeout", "status": 504}
            return 201, resource

        self.created: list[dict[str, Any]] = []
        self._lost_answers = 0
        super().__init__(handle)

    def lose_next_answer(self) -> None:
        """Accept the next message but answer 504, as when the answer is lost after Twilio created it."""
        with self._lock:
            self._lost_answers += 1

    def _page(self, path: str, account_sid: str) -> dict[str, Any]:
        """The Messages list, newest first, filtered by To and From as Twilio's list endpoint does."""
        query = dict(parse_qsl(urlsplit(path).query))
        with self._lock:
            rows = [
                m
                for m in reversed(self.created)
                if m["to"] == query.get("To", m["to"]) and m["from"] == query.get("From", m["from"])
            ]
        size = int(query.get("PageSize", 50))
        uri = f"/2010-04-01/Accounts/{account_sid}/Messages.json"
        return {
            "messages": rows[:size],
            "page": 0,
            "page_size": size,
            "start": 0,
            "end": max(len(rows[:size]) - 1, 0),
            "uri": uri,
            "first_page_uri": uri,
            "next_page_uri": None,
            "previous_page_uri": None,
        }

    @property
    def sent(self) -> list[dict[str, Any]]:
        """The form fields of every accepted message."""
        return [
            r["fields"]
            for r in self.requests
            if r["method"] == "POST" and r["path"].endswith("/Messages.json") and not r["failed"]
        ]
