"""Sending Telegram replies through python-telegram-bot's `Bot`, split at Telegram's length limit.

A reply longer than 4,096 UTF-16 units goes out as several messages; the outbox keeps how many went out,
so a retry after a failure in the middle sends only the rest. ``config["api_base_url"]`` points the real
`Bot` at another Bot API server (a self-hosted one, or the fake in tests).
"""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError

from parley.channels.base import Delivery, DeliveryFailed, SendResult
from parley.channels.splitting import split_message
from parley.channels.telegram import TELEGRAM_MESSAGE_LIMIT

__all__ = ["TelegramSender"]

_DEFAULT_API = "https://api.telegram.org"


class TelegramSender:
    """An `Outbound` for Telegram; one initialised `Bot` per token, reused across messages."""

    def __init__(self) -> None:
        self._bots: dict[tuple[str, str], Bot] = {}

    async def bot(self, token: str, api_base_url: str | None = None) -> Bot:
        """The initialised bot for a token (``getMe`` runs once, here)."""
        base = (api_base_url or _DEFAULT_API).rstrip("/")
        key = (token, base)
        if key not in self._bots:
            bot = Bot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
            await bot.initialize()
            self._bots[key] = bot
        return self._bots[key]

    async def send(self, delivery: Delivery) -> SendResult:
        """Send the chunks not yet sent; `DeliveryFailed` says how many went out."""
        token = delivery.secrets.get("bot_token", "")
        sent, last_id = delivery.parts_sent, None
        try:
            bot = await self.bot(token, delivery.config.get("api_base_url"))
            for chunk in split_message(delivery.text, TELEGRAM_MESSAGE_LIMIT)[delivery.parts_sent :]:
                message = await bot.send_message(chat_id=int(delivery.recipient), text=chunk)
                sent, last_id = sent + 1, f"{message.chat_id}:{message.message_id}"
        except (BadRequest, Forbidden, InvalidToken) as error:
            raise DeliveryFailed(f"Telegram refused: {error}", permanent=True, parts_sent=sent) from error
        except TelegramError as error:  # network errors, timeouts, RetryAfter, 5xx
            raise DeliveryFailed(f"Telegram: {error}", parts_sent=sent) from error
        return SendResult(provider_message_id=last_id, status="sent", parts_sent=sent)

    async def answer_callback(self, token: str, api_base_url: str | None, query_id: str) -> None:
        """Stop the spinner on the tapped inline button (Telegram shows it until this call, up to 15 s)."""
        bot = await self.bot(token, api_base_url)
        await bot.answer_callback_query(query_id)

    async def aclose(self) -> None:
        """Shut every bot's HTTP client down."""
        for bot in self._bots.values():
            await bot.shutdown()
        self._bots.clear()
