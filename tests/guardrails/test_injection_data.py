import pytest

from parley.guardrails.injection_data import (
    DEFAULT_DATA_DIR,
    insert_attack,
    load_bipia_attacks,
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


def test_the_baseline_trains_on_deepset_only(splits):
    assert {r.source for r in splits.baseline_train} == {"deepset"}


@pytest.mark.parametrize("position", ["start", "middle", "end"])
def test_an_attack_is_inserted_as_a_sentence(position):
    context = "First sentence. Second sentence. Third sentence."
    document = insert_attack(context, "Do the evil thing.", position)
    assert "Do the evil thing." in document
    assert document.replace(" Do the evil thing.", "").replace("Do the evil thing. ", "") == context
