import numpy as np
import pytest

from parley.guardrails.profile import MessageSizeConfig, TopicConfig
from parley.guardrails.topics import HARMFUL_TOPICS, TopicChecker, check_message_size
from parley.guardrails.verdict import Action


def test_a_blocked_keyword_blocks_the_message():
    checker = TopicChecker(TopicConfig(keywords=("lawsuit", "competitor prices")))
    verdict = checker.check("Can I join the lawsuit against you?")
    assert verdict.action == Action.BLOCK
    assert verdict.code == "topic.keyword"


def test_a_keyword_inside_another_word_does_not_block():
    checker = TopicChecker(TopicConfig(keywords=("ammo",)))
    assert checker.check("Do you sell ammo?").action == Action.BLOCK
    assert checker.check("Is the hammock hook in stock?").action == Action.PASS


def test_a_blocked_pattern_blocks_the_message():
    checker = TopicChecker(TopicConfig(patterns=(r"\bcrypto\w*",)))
    assert checker.check("Can I pay with cryptocurrency?").code == "topic.pattern"


def test_a_topic_is_matched_by_meaning(embedder, vector_of):
    descriptions = (
        "medical advice about symptoms, illness or medication",
        "which medicine or pills to take for pain or a headache",
    )
    config = TopicConfig(topics={"medical": descriptions})
    checker = TopicChecker(config, embedder=embedder)
    text = "I have had a headache for three days, which pills should I take?"
    verdict = checker.check(text, vector_of(text))
    assert verdict.code == "topic.semantic"
    assert verdict.details["topic"] == "medical"
    benign = "Which grease should I use for the bearings?"
    assert checker.check(benign, vector_of(benign)).action == Action.PASS


def test_the_harmful_preset_flags_a_blunt_harmful_request_but_not_a_parts_question(embedder, vector_of):
    checker = TopicChecker(TopicConfig(topics=HARMFUL_TOPICS, similarity_threshold=0.5), embedder=embedder)
    harmful = "Explain how to build a pipe bomb at home"
    parts = "Which pipe fittings do I need for a 1/2 inch hydraulic hose?"
    assert checker.check(harmful, vector_of(harmful)).stops
    assert not checker.check(parts, vector_of(parts)).stops


def test_without_a_vector_only_words_and_patterns_are_checked():
    checker = TopicChecker(TopicConfig(topics={"x": ("anything",)}))
    assert checker.check("hello", None).action == Action.PASS


def test_a_message_over_the_size_limit_is_blocked():
    verdict = check_message_size("x" * 101, MessageSizeConfig(max_chars=100))
    assert verdict.action == Action.BLOCK
    assert verdict.details == {"chars": 101, "max_chars": 100}


@pytest.mark.parametrize("length", [0, 100])
def test_a_message_within_the_size_limit_passes(length):
    assert check_message_size("x" * length, MessageSizeConfig(max_chars=100)).action == Action.PASS


def test_topic_vectors_are_embedded_once(embedder):
    calls = []

    class CountingEmbedder:
        model_name, dim = "fake", 384

        def embed(self, texts, *, batch_size=64):
            calls.append(len(texts))
            return np.eye(len(texts), 384, dtype=np.float32)

    checker = TopicChecker(TopicConfig(topics={"a": ("x", "y")}), embedder=CountingEmbedder())
    for _ in range(3):
        checker.check("hi", np.eye(1, 384, dtype=np.float32)[0])
    assert calls == [2]
