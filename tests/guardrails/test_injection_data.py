import pytest

from parley.guardrails.injection_data import (
    BIPIA_DIRECTIVE_CATEGORIES,
    DEFAULT_DATA_DIR,
    insert_attack,
    load_bipia_attacks,
    load_bipia_directives,
    load_injection_splits,
    normalise,
)

pytestmark = pytest.mark.skipif(not DEFAULT_DATA_DIR.exists(), reason="shared datasets not mounted")


@pytest.fixture(scope="module")
def splits():
    return load_injection_splits()


def test_no_training_text_appears_in_any_test_set(splits):
    test_texts = {normalise(r.text) for rows in splits.tests.values() for r in rows}
    test_texts |= {normalise(t) for ts in load_bipia_attacks(split="test").values() for t in ts}
    assert not [r.text for r in splits.train if normalise(r.text) in test_texts]


def test_notinject_never_reaches_training(splits):
    notinject = {normalise(r.text) for r in splits.tests["notinject"]}
    assert len(notinject) == 339
    assert not any(normalise(r.text) in notinject for r in splits.train)


def test_training_rows_are_unique_by_normalised_text(splits):
    keys = [normalise(r.text) for r in splits.train]
    assert len(keys) == len(set(keys))


def test_the_split_is_the_same_on_every_run(splits):
    again = load_injection_splits()
    assert [r.text for r in again.train] == [r.text for r in splits.train]


def test_bipia_directives_are_training_attacks_that_shape_the_reply():
    directives = load_bipia_directives()
    keys = {normalise(r.text) for r in directives}
    train = {normalise(t) for ts in load_bipia_attacks(split="train").values() for t in ts}
    test = {normalise(t) for ts in load_bipia_attacks(split="test").values() for t in ts}
    assert keys <= train and not keys & test
    assert {r.label for r in directives} == {1}
    # The tasks a customer may ask in good faith ("What is the capital of Brazil?") are left out.
    assert {r.source.removeprefix("bipia/train/") for r in directives} == set(BIPIA_DIRECTIVE_CATEGORIES)
    assert "what is the capital of brazil?" not in keys


def test_the_baseline_trains_on_deepset_only(splits):
    assert {r.source for r in splits.baseline_train} == {"deepset"}


@pytest.mark.parametrize("position", ["start", "middle", "end"])
def test_an_attack_is_inserted_as_a_sentence(position):
    context = "First sentence. Second sentence. Third sentence."
    document = insert_attack(context, "Do the evil thing.", position)
    assert "Do the evil thing." in document
    assert document.replace(" Do the evil thing.", "").replace("Do the evil thing. ", "") == context
