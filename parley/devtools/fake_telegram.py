"""A fake Telegram Bot API that python-telegram-bot's `Bot(base_url=...)` can call."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from parley.devtools.provider_server import ProviderServer

__all__ = ["FakeTelegram"]

_MAX_POLL_S = 2.0
BOT = {"id": 4242, "is_bot": True, "first_name": "Parley", "username": "parley_test_bot"}


class FakeTelegram(ProviderServer):
    """Answers getMe, sendMessage, answerCallbackQuery and getUpdates at ``/bot<token>/<method>``.

    ``push_update`` queues an update for long polling; as on Telegram, an update stays queued until a
    ``getUpdates`` with a higher offset confirms it, and a poll waits (up to its timeout) for one to come.
    """

    def __init__(self) -> None:
        counter = itertools.count(100)
        self._updates: list[dict[str, Any]] = []
        self._queued = threading.Condition()

        def updates(fields: dict[str, Any]) -> list[dict[str, Any]]:
            offset = int(fields.get("offset") or 0)
            deadline = time.monotonic() + min(float(fields.get("timeout") or 0), _MAX_POLL_S)
            with self._queued:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                while not self._updates and (left := deadline - time.monotonic()) > 0:
                    self._queued.wait(left)
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                return list(self._updates)

        def handle(method: str, path: str, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            name = path.rsplit("/", 1)[-1]
            if name == "getUpdates":
                return 200, {"ok": True, "result": updates(fields)}
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

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for the next ``getUpdates``, waking a poll that waits."""
        with self._queued:
            self._updates.append(update)
            self._queued.notify_all()

    def polls(self) -> list[dict[str, Any]]:
        """The fields of every getUpdates call (offset, timeout)."""
        return [r["fields"] for r in self.requests if r["path"].endswith("/getUpdates")]

    @property
    def sent(self) -> list[dict[str, Any]]:
        """The fields of every sendMessage call."""
        return [r["fields"] for r in self.requests if r["path"].endswith("/sendMessage") and not r["failed"]]
