"""Telegram webhooks: proving a post came from Telegram, and reading the update it carries.

Telegram signs nothing; instead ``setWebhook(secret_token=...)`` makes it send that secret back in
``X-Telegram-Bot-Api-Secret-Token``, which we compare in constant time. Updates are decoded with
python-telegram-bot's own `Update.de_json`, after filling fields that Telegram's older documented
examples (and some proxies) omit, so a payload is either parsed, deliberately ignored with a reason, or
refused as garbage; it never crashes the webhook.
"""

from __future__ import annotations

import copy
import hmac
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import JsonValue
from telegram import Message, Update, User
from telegram.constants import MessageEntityType

from parley.channels.errors import InvalidChannelPayload
from parley.channels.inbound import (
    Attachment,
    Channel,
    IgnoreReason,
    InboundKind,
    InboundMessage,
    Location,
    Sender,
)
from parley.channels.splitting import split_message
from parley.core.clock import utcnow

__all__ = [
    "SECRET_TOKEN_HEADER",
    "TELEGRAM_MESSAGE_LIMIT",
    "message_ref",
    "parse_telegram_update",
    "split_message",
    "verify_secret_token",
]

SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_MESSAGE_LIMIT = 4096

_USER_KEYS = frozenset({"from", "user", "forward_from", "via_bot", "left_chat_member", "new_chat_members"})
_CHAT_KEYS = frozenset({"chat", "sender_chat", "forward_from_chat"})
_ANSWERED_UPDATES = frozenset({"message", "edited_message", "callback_query"})
_MEMBERSHIP_UPDATES = frozenset({"my_chat_member", "chat_member", "chat_join_request"})
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.DOTALL)
_SERVICE_FIELDS = frozenset(
    {
        "new_chat_members",
        "left_chat_member",
        "new_chat_title",
        "new_chat_photo",
        "delete_chat_photo",
        "group_chat_created",
        "supergroup_chat_created",
        "channel_chat_created",
        "migrate_to_chat_id",
        "migrate_from_chat_id",
        "pinned_message",
        "message_auto_delete_timer_changed",
        "forum_topic_created",
        "forum_topic_closed",
        "forum_topic_reopened",
        "video_chat_started",
        "video_chat_ended",
        "successful_payment",
        "users_shared",
        "chat_shared",
        "write_access_allowed",
    }
)
_MEDIA_FIELDS = ("document", "audio", "voice", "video", "video_note", "animation", "sticker")
_DEFAULT_TYPES = {"photo": "image/jpeg", "voice": "audio/ogg", "video_note": "video/mp4"}


def verify_secret_token(received: str | None, expected: str) -> bool:
    """Whether the ``X-Telegram-Bot-Api-Secret-Token`` header matches the secret we registered.

    An unset ``expected`` secret never matches: a webhook without a secret would accept anyone's posts.
    """
    if not expected or received is None:
        return False
    return hmac.compare_digest(received.encode("utf-8"), expected.encode("utf-8"))


def message_ref(external_message_id: str) -> tuple[int, int]:
    """Return the (chat id, message id) behind an ``external_message_id``, for reply parameters."""
    chat_id, message_id = external_message_id.split(":")[:2]
    return int(chat_id), int(message_id)


def _chat_type(chat_id: Any) -> str:
    text = str(chat_id)
    if not text.startswith("-"):
        return "private"
    return "supergroup" if text.startswith("-100") else "group"


def _fill_legacy_fields(node: Any) -> None:
    """Add the required fields old-style payloads lack (``is_bot``, ``chat.type``, ``file_unique_id``)."""
    if isinstance(node, list):
        for item in node:
            _fill_legacy_fields(item)
        return
    if not isinstance(node, dict):
        return
    if "file_id" in node:
        node.setdefault("file_unique_id", node["file_id"])
    for key, value in node.items():
        users = value if isinstance(value, list) else [value]
        for item in users:
            if key in _USER_KEYS and isinstance(item, dict):
                item.setdefault("is_bot", False)
                item.setdefault("first_name", str(item.get("title") or item.get("username") or ""))
            if key in _CHAT_KEYS and isinstance(item, dict):
                item.setdefault("type", _chat_type(item.get("id", 0)))
        if key == "callback_query" and isinstance(value, dict):
            value.setdefault("chat_instance", "")
        _fill_legacy_fields(value)


def _sender_from_user(user: User) -> Sender:
    return Sender(
        id=str(user.id), display_name=user.full_name or None, username=user.username, is_bot=user.is_bot
    )


def _sender_of(message: Message) -> Sender:
    if message.from_user is not None:
        return _sender_from_user(message.from_user)
    chat = message.sender_chat or message.chat
    return Sender(id=str(chat.id), display_name=chat.title or chat.full_name, username=chat.username)


def _message_id(message: Message) -> str:
    return f"{message.chat.id}:{message.message_id}"


def _attachments(message: Message) -> list[Attachment]:
    files: list[tuple[str, Any]] = []
    if message.photo:
        files.append(("photo", message.photo[-1]))  # sizes ascend; the last is the original
    files.extend((field, getattr(message, field)) for field in _MEDIA_FIELDS if getattr(message, field))
    seen: set[str] = set()
    attachments = []
    for field, item in files:
        if item.file_unique_id in seen:  # an animation also arrives as a document
            continue
        seen.add(item.file_unique_id)
        attachments.append(
            Attachment(
                filename=getattr(item, "file_name", None),
                content_type=getattr(item, "mime_type", None) or _DEFAULT_TYPES.get(field),
                size=item.file_size,
                content_ref=f"telegram-file:{item.file_id}",
            )
        )
    return attachments


def _location(message: Message) -> Location | None:
    if message.venue is not None:
        venue = message.venue
        return Location(
            latitude=venue.location.latitude,
            longitude=venue.location.longitude,
            name=venue.title,
            address=venue.address,
        )
    if message.location is not None:
        return Location(latitude=message.location.latitude, longitude=message.location.longitude)
    return None


def _command(message: Message, text: str) -> tuple[str, str | None, str | None] | None:
    """(name, addressed bot, arguments) when the message starts with a bot command."""
    entity_at_start = any(
        entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0 for entity in message.entities
    )
    match = _COMMAND.match(text)
    if match is None or (message.entities and not entity_at_start):
        return None
    name, bot, args = match.groups()
    return name.lower(), bot, (args or "").strip() or None


def _unsupported_content(raw_message: Mapping[str, Any]) -> tuple[str, str]:
    service = sorted(_SERVICE_FIELDS & raw_message.keys())
    if service:
        return IgnoreReason.SERVICE_MESSAGE, f"service message: {service[0]}"
    common = {"message_id", "from", "chat", "date", "edit_date", "sender_chat", "message_thread_id"}
    content = sorted(set(raw_message) - common)
    return IgnoreReason.UNSUPPORTED_CONTENT, f"no text or media ({', '.join(content) or 'empty'})"


def _json_safe(data: Mapping[str, Any]) -> dict[str, JsonValue]:
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def _from_message(
    message: Message,
    raw: dict[str, JsonValue],
    *,
    edited: bool,
    bot_username: str | None,
    tenant_id: uuid.UUID | None,
) -> InboundMessage:
    raw_message = raw.get("edited_message" if edited else "message")
    sender = _sender_of(message)
    text = message.text or message.caption or ""
    contact = message.contact
    if contact is not None and not text:
        text = " ".join(
            part for part in (contact.first_name, contact.last_name, contact.phone_number) if part
        )
        if message.from_user is not None and contact.user_id == message.from_user.id:
            sender = sender.model_copy(update={"phone": "+" + contact.phone_number.lstrip("+")})
    attachments = _attachments(message)
    location = _location(message)
    forwarded = message.forward_origin is not None or "forward_date" in message.api_kwargs
    kind = InboundKind.EDITED_MESSAGE if edited else InboundKind.MESSAGE
    command = None if forwarded or edited else _command(message, text)
    ignored: tuple[str, str] | None = None
    if command is not None:
        kind = InboundKind.COMMAND
        if command[1] and bot_username and command[1].lower() != bot_username.lstrip("@").lower():
            ignored = IgnoreReason.COMMAND_FOR_ANOTHER_BOT, f"/{command[0]}@{command[1]}"
    if sender.is_bot:
        ignored = IgnoreReason.BOT_SENDER, f"sent by bot {sender.username or sender.id}"
    elif not (text.strip() or attachments or location):
        ignored = _unsupported_content(raw_message if isinstance(raw_message, dict) else {})
    reply_to = _message_id(message.reply_to_message) if message.reply_to_message else None
    external_id = _message_id(message)
    timestamp = message.date
    if edited:
        timestamp = message.edit_date or message.date
        reply_to, external_id = external_id, f"{external_id}:edit:{int(timestamp.timestamp())}"
    return InboundMessage(
        tenant_id=tenant_id,
        channel=Channel.TELEGRAM,
        kind=kind,
        external_conversation_id=str(message.chat.id),
        external_message_id=external_id,
        sender=sender,
        text=text,
        attachments=attachments,
        location=location,
        reply_to=reply_to,
        timestamp=timestamp,
        command=command[0] if command else None,
        command_args=command[2] if command else None,
        forwarded=forwarded,
        raw=raw,
        ignored_reason=ignored[0] if ignored else None,
        ignored_detail=ignored[1] if ignored else None,
    )


def _button_label(message: Message | None, data: str) -> str | None:
    markup = message.reply_markup if message is not None else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def _from_callback(
    update: Update, raw: dict[str, JsonValue], *, received_at: datetime, tenant_id: uuid.UUID | None
) -> InboundMessage:
    query = update.callback_query
    if query is None:
        raise InvalidChannelPayload("update names a message or callback query but carries none")
    message = query.message if isinstance(query.message, Message) else None
    origin = query.message
    conversation = str(origin.chat.id) if origin is not None else str(query.from_user.id)
    reply_to = f"{origin.chat.id}:{origin.message_id}" if origin is not None else None
    if reply_to is None and query.inline_message_id:
        reply_to = f"inline:{query.inline_message_id}"
    data = query.data
    ignored = None if data else (IgnoreReason.UNSUPPORTED_CONTENT, "callback query without data (game)")
    return InboundMessage(
        tenant_id=tenant_id,
        channel=Channel.TELEGRAM,
        kind=InboundKind.BUTTON_REPLY,
        external_conversation_id=conversation,
        external_message_id=query.id,
        sender=_sender_from_user(query.from_user),
        text=(_button_label(message, data) or data) if data else "",
        reply_to=reply_to,
        timestamp=received_at,
        button_payload=data,
        raw=raw,
        ignored_reason=ignored[0] if ignored else None,
        ignored_detail=ignored[1] if ignored else None,
    )


def _ignored(
    update_type: str,
    raw: dict[str, JsonValue],
    reason: str,
    *,
    received_at: datetime,
    tenant_id: uuid.UUID | None,
) -> InboundMessage:
    """Record an update we do not answer, read from the raw JSON.

    Only the shapes we answer go through `Update.de_json`: a field Telegram makes required in a new Bot
    API version (polls gained ``persistent_id`` in 9.6) must not turn an ignorable update into an error.
    """
    body = raw.get(update_type)
    body = body if isinstance(body, dict) else {}
    user = body.get("from") or body.get("user")
    chat = body["chat"] if isinstance(body.get("chat"), dict) else {}
    update_id = raw["update_id"]
    if isinstance(user, dict) and "id" in user:
        names = (user.get("first_name"), user.get("last_name"))
        sender = Sender(
            id=str(user["id"]),
            display_name=" ".join(str(name) for name in names if name) or None,
            username=str(user["username"]) if user.get("username") else None,
            is_bot=bool(user.get("is_bot", False)),
        )
    elif "id" in chat:
        sender = Sender(id=str(chat["id"]), display_name=str(chat.get("title") or "") or None)
    else:
        sender = Sender(id=f"update:{update_id}")
    date = body.get("date")
    text = body.get("text") or body.get("caption") or ""
    return InboundMessage(
        tenant_id=tenant_id,
        channel=Channel.TELEGRAM,
        external_conversation_id=str(chat["id"]) if "id" in chat else sender.id,
        external_message_id=f"update:{update_id}",
        sender=sender,
        text=text if isinstance(text, str) else "",
        timestamp=datetime.fromtimestamp(date, UTC) if isinstance(date, int) and date > 0 else received_at,
        raw=raw,
        ignored_reason=reason,
        ignored_detail=f"update type {update_type}",
    )


def parse_telegram_update(
    data: Mapping[str, Any],
    *,
    bot_username: str | None = None,
    tenant_id: uuid.UUID | None = None,
    received_at: datetime | None = None,
) -> InboundMessage:
    """Turn one webhook update into an `InboundMessage`, answered or deliberately ignored.

    Messages become `InboundKind.MESSAGE` or, when they start with a bot command, `InboundKind.COMMAND`
    (forwarded text is never a command). An edit becomes `InboundKind.EDITED_MESSAGE` with ``reply_to``
    pointing at the original, so the agent reads it as a correction. A tap on an inline keyboard becomes
    `InboundKind.BUTTON_REPLY` whose ``external_message_id`` is the callback query id (what
    ``answerCallbackQuery`` needs). Everything else (channel posts, polls, inline queries, membership
    changes, bots' messages) carries an ``ignored_reason``. Message ids read ``"<chat id>:<message id>"``.

    Args:
        data: The decoded JSON body.
        bot_username: Our bot's username, to ignore ``/command@OtherBot`` in groups.
        tenant_id: Set by the route that knows which bot the webhook belongs to.
        received_at: When the webhook arrived; the timestamp of callback queries, which carry none.

    Raises:
        InvalidChannelPayload: ``data`` is not a Telegram update.

    """
    if not isinstance(data, Mapping) or not isinstance(data.get("update_id"), int):
        raise InvalidChannelPayload("not a Telegram update: no integer update_id", field="update_id")
    raw = _json_safe(data)
    received_at = received_at or utcnow()
    update_type = next((key for key in data if key != "update_id"), "empty")
    if update_type not in _ANSWERED_UPDATES:
        if update_type in {"channel_post", "edited_channel_post"}:
            reason = IgnoreReason.CHANNEL_POST
        elif update_type in _MEMBERSHIP_UPDATES:
            reason = IgnoreReason.MEMBERSHIP_CHANGE
        else:
            reason = IgnoreReason.UNSUPPORTED_UPDATE
        return _ignored(update_type, raw, reason, received_at=received_at, tenant_id=tenant_id)
    payload = copy.deepcopy(raw)
    _fill_legacy_fields(payload)
    try:
        update = Update.de_json(payload, None)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise InvalidChannelPayload(f"not a Telegram update: {error}") from error
    if update.message is not None:
        return _from_message(
            update.message, raw, edited=False, bot_username=bot_username, tenant_id=tenant_id
        )
    if update.edited_message is not None:
        return _from_message(
            update.edited_message, raw, edited=True, bot_username=bot_username, tenant_id=tenant_id
        )
    return _from_callback(update, raw, received_at=received_at, tenant_id=tenant_id)
