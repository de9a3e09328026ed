from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from parley.channels import IgnoreReason, InboundKind, InboundMessage, InvalidChannelPayload
from parley.channels.telegram import message_ref, parse_telegram_update, verify_secret_token

from .payloads import telegram_examples

EXAMPLES = {example["name"]: example["update"] for example in telegram_examples()}
RECEIVED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# What each of Telegram's documented example updates must become: (kind, ignored reason).
EXPECTED = {
    "message_with_text_minimal": (InboundKind.COMMAND, None),
    "message_with_text": (InboundKind.COMMAND, None),
    "forwarded_message": (InboundKind.MESSAGE, None),
    "forwarded_channel_message": (InboundKind.MESSAGE, None),
    "message_with_reply": (InboundKind.COMMAND, None),
    "edited_message": (InboundKind.EDITED_MESSAGE, None),
    "message_with_entities": (InboundKind.MESSAGE, None),
    "message_with_audio": (InboundKind.MESSAGE, None),
    "voice_message": (InboundKind.MESSAGE, None),
    "message_with_document": (InboundKind.MESSAGE, None),
    "inline_query": (InboundKind.MESSAGE, IgnoreReason.UNSUPPORTED_UPDATE),
    "chosen_inline_result": (InboundKind.MESSAGE, IgnoreReason.UNSUPPORTED_UPDATE),
    "callback_query": (InboundKind.BUTTON_REPLY, None),
}


def test_the_expectations_cover_every_documented_example() -> None:
    assert set(EXPECTED) == set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_documented_example_update_is_parsed_or_ignored_with_a_reason(name: str) -> None:
    message = parse_telegram_update(EXAMPLES[name], received_at=RECEIVED)
    assert (message.kind, message.ignored_reason) == EXPECTED[name]
    assert message.ignored_reason is None or message.ignored_detail
    assert message.timestamp.tzinfo is not None
    json.loads(message.model_dump_json())  # storable as is


def test_parsing_does_not_modify_the_callers_payload() -> None:
    update = EXAMPLES["message_with_text_minimal"]
    before = json.dumps(update, sort_keys=True)
    parse_telegram_update(update)
    assert json.dumps(update, sort_keys=True) == before


def test_a_start_command_is_marked_as_a_command_named_start() -> None:
    message = parse_telegram_update(EXAMPLES["message_with_text"])
    assert (message.command, message.command_args, message.text) == ("start", None, "/start")
    assert message.sender.id == "1111111"
    assert message.sender.display_name == "Test Firstname Test Lastname"
    assert message.sender.username == "Testusername"
    assert message.external_conversation_id == "1111111"
    assert message.external_message_id == "1111111:1365"
    assert message.timestamp == datetime(2015, 9, 7, 17, 5, 32, tzinfo=UTC)


def test_a_forwarded_slash_text_is_not_a_command() -> None:
    message = parse_telegram_update(EXAMPLES["forwarded_message"])
    assert message.forwarded
    assert message.command is None


def test_a_reply_points_at_the_message_it_answers() -> None:
    message = parse_telegram_update(EXAMPLES["message_with_reply"])
    assert message.reply_to == "1111112:1334"


def test_an_edit_reads_as_a_correction_of_the_original_message() -> None:
    message = parse_telegram_update(EXAMPLES["edited_message"])
    assert message.text == "Edited text"
    assert message.reply_to == "1111111:1365"
    assert message.external_message_id != message.reply_to
    assert message.timestamp == datetime.fromtimestamp(1441646600, UTC)


def test_audio_voice_and_documents_become_attachments_with_telegram_file_refs() -> None:
    document = parse_telegram_update(EXAMPLES["message_with_document"]).attachments
    voice = parse_telegram_update(EXAMPLES["voice_message"]).attachments
    audio = parse_telegram_update(EXAMPLES["message_with_audio"]).attachments
    assert [(item.filename, item.content_type, item.size) for item in document] == [
        ("Testfile.pdf", "application/pdf", 536392)
    ]
    assert voice[0].content_ref == "telegram-file:AwADBAADbXXXXXXXXXXXGBdhD2l6_XX"
    assert (voice[0].content_type, audio[0].size) == ("audio/ogg", 3897500)


def test_a_callback_query_carries_its_data_and_the_inline_message_it_came_from() -> None:
    message = parse_telegram_update(EXAMPLES["callback_query"], received_at=RECEIVED)
    assert message.button_payload == "Data from button callback"
    assert message.external_message_id == "4382bfdwdsb323b2d9"
    assert message.reply_to == "inline:1234csdbsk4839"
    assert message.external_conversation_id == "1111111"
    assert message.timestamp == RECEIVED


# Updates in today's Bot API format (is_bot, chat.type, forward_origin ...).
USER = {"id": 42, "is_bot": False, "first_name": "Ada", "last_name": "Lovelace", "username": "ada"}
CHAT = {"id": 42, "type": "private", "first_name": "Ada", "username": "ada"}


def _message(**fields: Any) -> dict[str, Any]:
    return {"message_id": 7, "date": 1767225600, "chat": CHAT, "from": USER, **fields}


def _update(kind: str = "message", **fields: Any) -> dict[str, Any]:
    return {"update_id": 900001, kind: _message(**fields)}


def test_a_help_command_with_arguments_keeps_them() -> None:
    entities = [{"type": "bot_command", "offset": 0, "length": 5}]
    message = parse_telegram_update(_update(text="/help  shipping times", entities=entities))
    assert (message.kind, message.command, message.command_args) == (
        InboundKind.COMMAND,
        "help",
        "shipping times",
    )


def test_a_command_addressed_to_our_bot_is_answered() -> None:
    message = parse_telegram_update(_update(text="/start@ParleyShopBot"), bot_username="@parleyshopbot")
    assert message.command == "start"
    assert message.should_answer


def test_a_command_addressed_to_another_bot_is_ignored() -> None:
    message = parse_telegram_update(_update(text="/start@OtherBot"), bot_username="ParleyShopBot")
    assert message.ignored_reason == IgnoreReason.COMMAND_FOR_ANOTHER_BOT


def test_a_slash_in_text_whose_entities_say_otherwise_is_plain_text() -> None:
    entities = [{"type": "bold", "offset": 0, "length": 4}]
    message = parse_telegram_update(_update(text="/tmp is full", entities=entities))
    assert message.kind is InboundKind.MESSAGE


def test_an_inline_keyboard_tap_becomes_a_button_reply_labelled_like_the_button() -> None:
    keyboard = {
        "inline_keyboard": [
            [
                {"text": "Approve quote", "callback_data": "approve_quote:Q-2026-0001"},
                {"text": "Decline", "callback_data": "decline_quote:Q-2026-0001"},
            ]
        ]
    }
    bot = {"id": 999, "is_bot": True, "first_name": "Shop", "username": "ParleyShopBot"}
    quote = {
        "message_id": 55,
        "date": 1767225000,
        "chat": CHAT,
        "from": bot,
        "text": "Your quote",
        "reply_markup": keyboard,
    }
    update = {
        "update_id": 900002,
        "callback_query": {
            "id": "5730984562",
            "from": USER,
            "chat_instance": "-42424242",
            "message": quote,
            "data": "approve_quote:Q-2026-0001",
        },
    }
    message = parse_telegram_update(update, received_at=RECEIVED)
    assert message.kind is InboundKind.BUTTON_REPLY
    assert message.button_payload == "approve_quote:Q-2026-0001"
    assert message.text == "Approve quote"
    assert message.reply_to == "42:55"
    assert message.external_conversation_id == "42"
    assert message.should_answer


def test_a_photo_keeps_only_the_largest_size_and_its_caption() -> None:
    sizes = [
        {"file_id": "small", "file_unique_id": "u1", "width": 90, "height": 90, "file_size": 1000},
        {"file_id": "large", "file_unique_id": "u2", "width": 1280, "height": 1280, "file_size": 90000},
    ]
    message = parse_telegram_update(_update(photo=sizes, caption="Broken on arrival"))
    assert message.text == "Broken on arrival"
    assert [(item.content_ref, item.content_type) for item in message.attachments] == [
        ("telegram-file:large", "image/jpeg")
    ]


def test_sharing_ones_own_contact_gives_the_sender_a_phone_number() -> None:
    contact = {"phone_number": "447700900123", "first_name": "Ada", "user_id": 42}
    message = parse_telegram_update(_update(contact=contact))
    assert message.sender.phone == "+447700900123"
    assert message.should_answer


def test_a_venue_becomes_a_named_location() -> None:
    venue = {"location": {"latitude": 48.85, "longitude": 2.35}, "title": "Shop", "address": "1 Rue X"}
    message = parse_telegram_update(_update(venue=venue, location=venue["location"]))
    assert message.location is not None
    assert (message.location.name, message.location.address) == ("Shop", "1 Rue X")


def test_a_message_forwarded_in_todays_format_is_flagged() -> None:
    origin = {
        "type": "user",
        "date": 1767225000,
        "sender_user": {"id": 5, "is_bot": False, "first_name": "Bo"},
    }
    assert parse_telegram_update(_update(text="look", forward_origin=origin)).forwarded


@pytest.mark.parametrize(
    ("update", "reason"),
    [
        pytest.param(
            _update(text="beep", **{"from": {**USER, "is_bot": True}}), IgnoreReason.BOT_SENDER, id="bot"
        ),
        pytest.param(
            _update("channel_post", text="news", chat={"id": -1001, "type": "channel", "title": "News"}),
            IgnoreReason.CHANNEL_POST,
            id="channel_post",
        ),
        pytest.param(
            {
                "update_id": 3,
                "my_chat_member": {
                    "chat": CHAT,
                    "from": USER,
                    "date": 1767225600,
                    "old_chat_member": {
                        "status": "member",
                        "user": {"id": 999, "is_bot": True, "first_name": "S"},
                    },
                    "new_chat_member": {
                        "status": "kicked",
                        "user": {"id": 999, "is_bot": True, "first_name": "S"},
                        "until_date": 0,
                    },
                },
            },
            IgnoreReason.MEMBERSHIP_CHANGE,
            id="blocked_the_bot",
        ),
        pytest.param(
            {
                "update_id": 4,
                "poll": {
                    "id": "p1",
                    "question": "Best?",
                    "options": [{"text": "A", "voter_count": 1}],
                    "total_voter_count": 1,
                    "is_closed": False,
                    "is_anonymous": True,
                    "type": "regular",
                    "allows_multiple_answers": False,
                },
            },
            IgnoreReason.UNSUPPORTED_UPDATE,
            id="poll",
        ),
        pytest.param(
            _update(new_chat_members=[{"id": 5, "is_bot": False, "first_name": "Bo"}]),
            IgnoreReason.SERVICE_MESSAGE,
            id="service_message",
        ),
        pytest.param(_update(dice={"emoji": "🎲", "value": 3}), IgnoreReason.UNSUPPORTED_CONTENT, id="dice"),
    ],
)
def test_updates_not_worth_answering_are_ignored_with_a_reason(update: dict[str, Any], reason: str) -> None:
    message = parse_telegram_update(update)
    assert isinstance(message, InboundMessage)
    assert message.ignored_reason == reason
    assert not message.should_answer


@pytest.mark.parametrize(
    "garbage", [{}, {"update_id": "x"}, [], {"message": {"text": "hi"}}, {"update_id": 1, "message": None}]
)
def test_a_body_that_is_not_an_update_is_refused(garbage: Any) -> None:
    with pytest.raises(InvalidChannelPayload):
        parse_telegram_update(garbage)


def test_a_broken_message_inside_an_update_is_refused_not_crashed_on() -> None:
    with pytest.raises(InvalidChannelPayload):
        parse_telegram_update({"update_id": 5, "message": {"message_id": 1, "text": "no chat or date"}})


def test_the_secret_token_header_must_match_exactly() -> None:
    assert verify_secret_token("s3cr3t-Token_1", "s3cr3t-Token_1")
    assert not verify_secret_token("s3cr3t-Token_2", "s3cr3t-Token_1")
    assert not verify_secret_token(None, "s3cr3t-Token_1")
    assert not verify_secret_token("", "s3cr3t-Token_1")


def test_without_a_configured_secret_nothing_is_accepted() -> None:
    assert not verify_secret_token("", "")
    assert not verify_secret_token("anything", "")


def test_a_message_id_splits_back_into_chat_and_message_for_replies() -> None:
    assert message_ref(parse_telegram_update(EXAMPLES["edited_message"]).reply_to or "") == (1111111, 1365)
    assert message_ref("-1001234:99") == (-1001234, 99)
