"""Offline intent classification for the agent's router.

Each customer turn embeds the message once; the classifier takes that vector (plus cheap n-grams of the
text) and answers with an intent, or ``out_of_scope`` below its confidence threshold. Every tenant trains
its own classifier from a few phrases per intent, in seconds, and stores it as bytes.
"""

from parley.agent.intent.calibration import choose_threshold
from parley.agent.intent.classifier import ClassifierConfig, IntentClassifier, combine_scores
from parley.agent.intent.crossval import NEIGHBOUR_WEIGHTS
from parley.agent.intent.defaults import (
    COMMERCE_INTENTS,
    DEFAULT_TRAINING_FILE,
    TrainingSet,
    load_training_set,
    train_default_classifier,
)
from parley.agent.intent.features import FeatureConfig
from parley.agent.intent.types import OUT_OF_SCOPE, IntentExample, IntentPrediction, ScoredIntent

__all__ = [
    "COMMERCE_INTENTS",
    "DEFAULT_TRAINING_FILE",
    "NEIGHBOUR_WEIGHTS",
    "OUT_OF_SCOPE",
    "ClassifierConfig",
    "FeatureConfig",
    "IntentClassifier",
    "IntentExample",
    "IntentPrediction",
    "ScoredIntent",
    "TrainingSet",
    "choose_threshold",
    "combine_scores",
    "load_training_set",
    "train_default_classifier",
]
