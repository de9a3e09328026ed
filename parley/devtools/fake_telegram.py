"""A fake Telegram Bot API that python-telegram-bot's `Bot(base_url=...)` can call."""

from __future__ import annotations

import itertools
import time
from typing import Any

from parley.devtools.provider_server import ProviderServer

__all__ = ["FakeTelegram"]

BOT = {"id": 4242, "is_bot": True, "first_name": "Parley", "username": "parley_test_bot"}


class FakeTelegram(ProviderServer):
    """Answers getMe, sendMessage and answerCallbackQuery at ``/bot<token>/<method>``."""

    def __init__(self) -> None:
        counter = itertools.count(100)

        def handle(method: str, path: str, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            name = path.rsplit("/", 1)[-1]
            if name == "getMe":
                return 200, {"ok": True, "result": BOT}
            if name == "sendMessage":
                chat_id = int(fields["chat_id"])
                result = {
                    "message_id": next(counter),
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": BOT,
                    "text": fields.get("text", ""),
                }
                return 200, {"ok": True, "result": result}
            if name in ("answerCallbackQuery", "setWebhook", "deleteWebhook"):
                return 200, {"ok": True, "result": True}
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

        super().__init__(handle)

    @property
    def sent(self) -> list[dict[str, Any]]:
        """The fields of every sendMessage call."""
        return [r["fields"] for r in self.requests if r["path"].endswith("/sendMessage") and not r["failed"]]
