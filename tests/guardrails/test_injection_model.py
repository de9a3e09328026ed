import zipfile

import numpy as np

from parley.guardrails.injection_model import MODEL_PATH, DenseNet, InjectionModel, load_injection_model


def test_the_packaged_model_holds_only_arrays_and_loads_without_pickle():
    with zipfile.ZipFile(MODEL_PATH) as archive:
        assert all(name.endswith(".npy") for name in archive.namelist())
    model = InjectionModel.load(MODEL_PATH)  # np.load(..., allow_pickle=False) inside
    assert model.message.weights[0].shape == (384, 256)
    assert model.segment.weights[0].shape == (386, 1)
    assert model.harmful.weights[0].shape == (384, 1)


def test_the_packaged_model_is_small():
    assert MODEL_PATH.stat().st_size < 500_000


def test_thresholds_are_ordered_from_strict_to_permissive():
    model = load_injection_model()
    for thresholds in (model.message_thresholds, model.segment_thresholds, model.harmful_thresholds):
        assert thresholds["strict"] < thresholds["balanced"] < thresholds["permissive"]


def test_the_model_records_how_it_was_trained():
    meta = load_injection_model().meta
    assert meta["message"]["train_rows"] > 1000
    assert "notinject" not in " ".join(meta["message"]["train_sources"])
    assert meta["harmful"]["written_harmful"] > 100


def test_a_saved_model_predicts_the_same_after_loading(tmp_path):
    rng = np.random.default_rng(0)
    net = DenseNet(
        (rng.normal(size=(4, 3)), rng.normal(size=(3, 1))), (rng.normal(size=3), rng.normal(size=1))
    )
    lr = DenseNet((rng.normal(size=(6, 1)),), (rng.normal(size=1),))
    harmful = DenseNet((rng.normal(size=(4, 1)),), (rng.normal(size=1),))
    points = {"strict": 0.1, "balanced": 0.5, "permissive": 0.9}
    model = InjectionModel(net, lr, harmful, points, {"balanced": 0.5}, {"balanced": 0.7})
    model.save(tmp_path / "m.npz")
    loaded = InjectionModel.load(tmp_path / "m.npz")
    x = rng.normal(size=(5, 4))
    np.testing.assert_allclose(loaded.message.predict(x), net.predict(x), atol=2e-2)
    np.testing.assert_allclose(loaded.harmful.predict(x), harmful.predict(x), atol=2e-2)
    assert loaded.message_thresholds == model.message_thresholds
    assert loaded.harmful_thresholds == model.harmful_thresholds


def test_a_single_vector_and_a_batch_give_the_same_score():
    model = load_injection_model()
    x = np.random.default_rng(1).normal(size=(3, 384)).astype(np.float32)
    assert np.allclose(model.message.predict(x[1]), model.message.predict(x)[1])
