from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.channels import split_message, utf16_length
from parley.channels.telegram import TELEGRAM_MESSAGE_LIMIT
from parley.channels.telegram import split_message as telegram_split_message


def test_a_short_reply_is_sent_as_one_message() -> None:
    assert split_message("Your order ships tomorrow.") == ["Your order ships tomorrow."]


def test_blank_text_gives_no_messages() -> None:
    assert split_message("  \n\n ") == []


def test_the_telegram_module_offers_the_same_splitter_with_telegrams_limit() -> None:
    assert telegram_split_message is split_message
    assert TELEGRAM_MESSAGE_LIMIT == 4096


def test_paragraphs_are_kept_whole_when_they_fit() -> None:
    first, second = "A" * 30 + " first.", "B" * 30 + " second."
    assert split_message(f"{first}\n\n{second}", limit=50) == [first, second]


def test_a_long_paragraph_splits_after_a_sentence() -> None:
    text = "The parcel left the depot today. It should reach you by Friday afternoon."
    assert split_message(text, limit=40) == [
        "The parcel left the depot today.",
        "It should reach you by Friday afternoon.",
    ]


def test_without_sentence_ends_it_splits_between_words() -> None:
    chunks = split_message("alpha beta gamma delta epsilon zeta eta theta", limit=12)
    assert chunks == ["alpha beta", "gamma delta", "epsilon zeta", "eta theta"]


def test_a_word_longer_than_the_limit_is_the_only_thing_cut() -> None:
    url = "https://example.com/" + "x" * 30
    chunks = split_message(f"See {url} now", limit=20)
    assert all(len(chunk) <= 20 for chunk in chunks)
    assert "".join(chunks).replace(" ", "") == f"See{url}now"


def test_emoji_count_as_two_units_like_telegram_counts_them() -> None:
    assert utf16_length("👍") == 2
    chunks = split_message("👍 " * 10, limit=6)
    assert all(utf16_length(chunk) <= 6 for chunk in chunks)
    assert chunks == ["👍 👍", "👍 👍", "👍 👍", "👍 👍", "👍 👍"]


def test_a_custom_measure_can_count_code_points() -> None:
    assert split_message("👍 👍 👍", limit=3, measure=len) == ["👍 👍", "👍"]


def test_a_non_positive_limit_is_refused() -> None:
    with pytest.raises(ValueError):
        split_message("hi", limit=0)


def test_a_realistic_long_reply_fits_telegram_in_few_natural_chunks() -> None:
    paragraph = "We have checked your order and everything is in stock. " * 20
    reply = "\n\n".join(paragraph.strip() for _ in range(8))
    chunks = split_message(reply)
    assert len(chunks) == 3
    assert all(utf16_length(chunk) <= 4096 for chunk in chunks)
    assert all(chunk.endswith("stock.") for chunk in chunks)


words = st.text(alphabet=st.characters(categories=["L", "N", "P", "So"]), min_size=1, max_size=15)
separators = st.sampled_from([" ", "  ", "\n", "\n\n", ". ", "! ", "\n \n"])


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.tuples(words, separators), min_size=1, max_size=80),
    limit=st.integers(min_value=32, max_value=300),
)
def test_splitting_never_exceeds_the_limit_breaks_a_word_or_loses_text(
    parts: list[tuple[str, str]], limit: int
) -> None:
    text = "".join(word + separator for word, separator in parts)
    chunks = split_message(text, limit=limit)
    assert all(0 < utf16_length(chunk) <= limit for chunk in chunks)
    assert [word for chunk in chunks for word in chunk.split()] == text.split()
