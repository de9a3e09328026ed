"""Train the injection classifiers and write ``injection_model.npz`` next to this module.

Run ``python -m parley.guardrails.train_injection`` from the repository root. It embeds the training texts
with the shared MiniLM model (cached in ``.cache/bench/``, so a second run takes seconds), then fits:

* the message classifier: an MLP (384-256-64-1) on the vectors a turn computes (a long message read at its
  start and its end) of deepset train plus a fixed half of protectai validation, deduplicated, with every
  text of any test set removed (see :mod:`injection_data`); BIPIA's training attacks that order a shape of
  the reply (ciphers, typos, planted links: the corpora hold few of them); and benign customer chat (10
  phrases per CLINC150 training intent, its out-of-scope training phrases, German and Spanish catalog
  questions, and the agent's packaged commerce phrases);
* the harmful-request classifier: a logistic regression on the same vectors, trained on the hand-written
  harmful requests (``harmful_requests.yaml``) against every benign row above and the written harmless
  look-alikes. The injection corpora hold jailbreaks but hardly any plain request for harmful content, so
  the message classifier lets "explain how to build a pipe bomb" through;
* the document-segment classifier: a logistic regression on segment vectors plus two out-of-place
  features, trained on BIPIA's training emails with BIPIA's training attacks inserted, and on the segments
  of the benign training messages.

Thresholds come from out-of-fold scores of the benign rows of the injection corpora, never from a test set:
"strict", "balanced" and "permissive" flag 5%, 2% and 0.5% of them (for documents: 5%, 1%, 0.2% of benign
documents). The chat rows are left out of that count: they score near zero, and counting them would lower
every threshold and flag more of the corpora's benign messages. The harmful-request classifier's thresholds
flag 1%, 0.5% and 0.1% of the same benign rows: a message it flags is blocked even when the message
classifier passes it, so it gets a smaller share of the false-alarm budget.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
from pathlib import Path

import numpy as np

from parley.guardrails.embedding_cache import embed_with_cache
from parley.guardrails.indirect import segment_features, split_segments
from parley.guardrails.injection_data import (
    DEFAULT_BIPIA_DIR,
    DEFAULT_CLINC_PATH,
    DEFAULT_DATA_DIR,
    WRITTEN_REQUESTS_PATH,
    InjectionSplits,
    LabelledText,
    catalog_chat,
    insert_attack,
    load_bipia_attacks,
    load_bipia_directives,
    load_bipia_emails,
    load_clinc_chat,
    load_injection_splits,
    load_written_requests,
    normalise,
)
from parley.guardrails.injection_model import MODEL_PATH, DenseNet, InjectionModel
from parley.knowledge.embeddings import DEFAULT_EMBEDDING_MODEL, Embedder, message_text

__all__ = ["DEFAULT_CACHE", "main", "train_models"]

DEFAULT_CACHE = Path(".cache/bench/embeddings-minilm.npz")
MESSAGE_QUANTILES = {"strict": 0.95, "balanced": 0.98, "permissive": 0.995}
DOCUMENT_QUANTILES = {"strict": 0.95, "balanced": 0.99, "permissive": 0.998}
HARMFUL_QUANTILES = {"strict": 0.99, "balanced": 0.995, "permissive": 0.999}
SEED = 0


class _LazyEmbedder:
    """Loads the real model only if the cache lacks a text."""

    model_name = DEFAULT_EMBEDDING_MODEL
    dim = 384

    def embed(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        from parley.knowledge.embeddings import get_embedder

        return get_embedder().embed(texts, batch_size=batch_size)


def _segments(text: str) -> list[str]:
    return [s.text for s in split_segments(text) if len(s.text.split()) >= 3]


def _new_rows(splits: InjectionSplits, rows: list[LabelledText]) -> list[LabelledText]:
    """``rows`` that are in no injection set, deduplicated by text."""
    taken = {normalise(r.text) for r in splits.train} | {
        normalise(r.text) for rows in splits.tests.values() for r in rows
    }
    kept: dict[str, LabelledText] = {}
    for row in rows:
        key = normalise(row.text)
        if key not in taken:
            kept.setdefault(key, row)
    return list(kept.values())


def _chat_rows(splits: InjectionSplits) -> list[LabelledText]:
    """Benign customer chat that is in no injection set."""
    # Read here, not imported at module level: guardrails sit below the agent, and only this offline
    # training script needs the agent's phrases.
    from parley.agent.intent.defaults import load_phrases

    commerce = [LabelledText(text, 0, "chat/commerce") for text, _, _ in load_phrases()]
    return _new_rows(splits, load_clinc_chat() + catalog_chat() + commerce)


def _quantiles(scores: np.ndarray, quantiles: dict[str, float]) -> dict[str, float]:
    return {k: float(np.quantile(scores, q)) for k, q in quantiles.items()}


def _fit_message_model(
    x: np.ndarray, y: np.ndarray, calibration: np.ndarray
) -> tuple[DenseNet, dict[str, float]]:
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.neural_network import MLPClassifier

    def make() -> MLPClassifier:
        return MLPClassifier((256, 64), alpha=1e-2, max_iter=600, random_state=SEED)

    folds = StratifiedKFold(5, shuffle=True, random_state=SEED)
    oof = cross_val_predict(make(), x, y, cv=folds, method="predict_proba")[:, 1]
    model = make().fit(x, y)
    net = DenseNet(tuple(model.coefs_), tuple(b.reshape(-1) for b in model.intercepts_))
    return net, _quantiles(oof[(y == 0) & calibration], MESSAGE_QUANTILES)


def _fit_harmful_model(
    x: np.ndarray, y: np.ndarray, calibration: np.ndarray
) -> tuple[DenseNet, dict[str, float]]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    def make() -> LogisticRegression:
        return LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced")

    folds = StratifiedKFold(5, shuffle=True, random_state=SEED)
    oof = cross_val_predict(make(), x, y, cv=folds, method="predict_proba")[:, 1]
    model = make().fit(x, y)
    net = DenseNet((model.coef_.T.astype(np.float32),), (model.intercept_.astype(np.float32),))
    return net, _quantiles(oof[(y == 0) & calibration], HARMFUL_QUANTILES)


def _document_training_set(
    splits: InjectionSplits, bipia_dir: Path
) -> tuple[list[list[str]], list[set[str]]]:
    """Documents as segment lists, with the segments that hold an attack for each."""
    rng = random.Random(SEED)
    attacks = [t for texts in load_bipia_attacks(bipia_dir, split="train").values() for t in texts]
    docs: list[list[str]] = []
    injected: list[set[str]] = []
    for email in load_bipia_emails(bipia_dir, split="train"):
        docs.append(_segments(email))
        injected.append(set())
        for _ in range(6):
            attack = rng.choice(attacks)
            segments = _segments(insert_attack(email, attack, rng.choice(["start", "middle", "end"])))
            docs.append(segments)
            injected.append({s for s in segments if attack in s})
    for row in splits.train:
        segments = _segments(row.text)
        if row.label == 0 and len(segments) >= 2:
            docs.append(segments)
            injected.append(set())
    return docs, injected


def _fit_segment_model(
    docs: list[list[str]], injected: list[set[str]], vectors: dict[str, np.ndarray]
) -> tuple[DenseNet, dict[str, float], dict[str, int]]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_predict

    rows, labels, groups = [], [], []
    for i, (segments, attack_segments) in enumerate(zip(docs, injected, strict=True)):
        features = segment_features(np.stack([vectors[s] for s in segments]))
        for segment, feature in zip(segments, features, strict=True):
            if attack_segments and segment not in attack_segments:
                continue  # the clean segments of an attacked email repeat the clean email
            rows.append(feature)
            labels.append(int(segment in attack_segments))
            groups.append(i)
    x, y, g = np.stack(rows), np.array(labels), np.array(groups)

    def make() -> LogisticRegression:
        return LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced")

    oof = cross_val_predict(make(), x, y, cv=GroupKFold(5), groups=g, method="predict_proba")[:, 1]
    clean_docs = [i for i, attack_segments in enumerate(injected) if not attack_segments]
    doc_max = np.array([oof[g == i].max() for i in clean_docs])
    thresholds = _quantiles(doc_max, DOCUMENT_QUANTILES)
    model = make().fit(x, y)
    net = DenseNet((model.coef_.T.astype(np.float32),), (model.intercept_.astype(np.float32),))
    counts = {"segments": len(y), "attack_segments": int(y.sum()), "benign_documents": len(clean_docs)}
    return net, thresholds, counts


def _file_digest(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in paths}


def train_models(
    *,
    data_dir: Path = DEFAULT_DATA_DIR,
    bipia_dir: Path = DEFAULT_BIPIA_DIR,
    cache_path: Path = DEFAULT_CACHE,
    embedder: Embedder | None = None,
) -> InjectionModel:
    """Fit both classifiers from the corpora; embeddings come from (and go to) ``cache_path``."""
    import sklearn

    embedder = embedder or _LazyEmbedder()
    splits = load_injection_splits(data_dir, bipia_dir)
    message_rows = splits.train + _new_rows(splits, load_bipia_directives(bipia_dir)) + _chat_rows(splits)
    # As a turn embeds them: a long message is read at its start and its end.
    texts = [message_text(r.text, embedder.model_name) for r in message_rows]
    x = embed_with_cache(texts, embedder=embedder, cache_path=cache_path)
    y = np.array([r.label for r in message_rows])
    calibration = np.array([not r.source.startswith("chat/") for r in message_rows])
    message, message_thresholds = _fit_message_model(x, y, calibration)

    written = _new_rows(splits, load_written_requests())
    written_texts = [message_text(r.text, embedder.model_name) for r in written]
    written_x = embed_with_cache(written_texts, embedder=embedder, cache_path=cache_path)
    harmful_x = np.concatenate([x[y == 0], written_x])
    harmful_y = np.array([0] * int((y == 0).sum()) + [r.label for r in written])
    harmful_calibration = np.concatenate([calibration[y == 0], np.zeros(len(written), dtype=bool)])
    harmful, harmful_thresholds = _fit_harmful_model(harmful_x, harmful_y, harmful_calibration)

    docs, injected = _document_training_set(splits, bipia_dir)
    unique = sorted({s for segments in docs for s in segments})
    vectors = dict(
        zip(unique, embed_with_cache(unique, embedder=embedder, cache_path=cache_path), strict=True)
    )
    segment, segment_thresholds, segment_counts = _fit_segment_model(docs, injected, vectors)

    sources: dict[str, int] = {}
    for row in message_rows:
        sources[row.source] = sources.get(row.source, 0) + 1
    meta = {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "embedding_model": embedder.model_name,
        "sklearn": sklearn.__version__,
        "message": {
            "architecture": "MLP 384-256-64-1, relu, alpha=0.01, seed 0",
            "train_rows": len(y),
            "chat_rows": int((~calibration).sum()),
            "train_attacks": int(y.sum()),
            "train_sources": sources,
            "threshold_quantiles_of_oof_benign_corpus_rows": MESSAGE_QUANTILES,
        },
        "harmful": {
            "architecture": "logistic regression, C=1, balanced",
            "written_harmful": int(harmful_y.sum()),
            "written_harmless": len(written) - int(harmful_y.sum()),
            "benign_rows": int((harmful_y == 0).sum()),
            "threshold_quantiles_of_oof_benign_corpus_rows": HARMFUL_QUANTILES,
        },
        "segment": {
            "architecture": "logistic regression on [vector, novelty, max similarity], C=1, balanced",
            **segment_counts,
            "threshold_quantiles_of_oof_benign_documents": DOCUMENT_QUANTILES,
        },
        "data": _file_digest(
            [p for p in sorted(data_dir.iterdir()) if p.suffix in {".jsonl", ".csv"}]
            + sorted(bipia_dir.glob("*train*"))
            + [DEFAULT_CLINC_PATH, WRITTEN_REQUESTS_PATH]
        ),
    }
    return InjectionModel(
        message, segment, harmful, message_thresholds, segment_thresholds, harmful_thresholds, meta
    )


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point: train and write the model file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--bipia-dir", type=Path, default=DEFAULT_BIPIA_DIR)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    model = train_models(data_dir=args.data_dir, bipia_dir=args.bipia_dir, cache_path=args.cache)
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    print("message thresholds:", {k: round(v, 3) for k, v in model.message_thresholds.items()})
    print("segment thresholds:", {k: round(v, 3) for k, v in model.segment_thresholds.items()})
    print("harmful thresholds:", {k: round(v, 3) for k, v in model.harmful_thresholds.items()})


if __name__ == "__main__":
    main()
