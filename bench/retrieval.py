"""Retrieval benchmark: quality on StackFAQ and speed on a synthetic industrial-parts catalogue.

Run from the repository root::

    .venv/bin/python -m bench.retrieval                      # sizes 1000,10000,50000
    .venv/bin/python -m bench.retrieval --sizes 1000,10000   # skip the big one

Quality: StackFAQ (/work/shared/data/stackfaq_faq_retrieval), 125 FAQ threads, 1,249 paraphrased
queries with one relevant thread each. The dataset splits its paraphrases into groups A and B; the
hybrid fusion weight is chosen on group A (tuning half) and every reported quality number is on group
B (held-out half). nDCG@10, recall@10 and MRR@10, documents ranked by their best chunk.

Speed: ingestion (documents/s, end to end including embedding), re-ingestion of an unchanged corpus,
and p50/p95 search latency per mode at each catalogue size, with a tenant filter and a price range.
Vectors are cached in .cache/bench/ so reruns skip the 5-minute embedding of 50k products; the
"cold" ingest figure always embeds for real.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from parley.knowledge import (
    ConvexFusion,
    DbsfFusion,
    DocumentKind,
    DocumentMetadata,
    EdgeStore,
    Fusion,
    Indexer,
    KnowledgeDocument,
    KnowledgeSearch,
    RrfFusion,
    SearchFilters,
    SearchMode,
    VectorStore,
    get_embedder,
)
from parley.knowledge.embeddings import Embedder

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("/work/shared/data/stackfaq_faq_retrieval")
CACHE = ROOT / ".cache" / "bench"
RESULTS = ROOT / "bench" / "results" / "retrieval.json"
WEIGHTS = (0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
console = Console(width=150)


# ---- embedding cache ------------------------------------------------------------------------------


class CachedEmbedder:
    """The shared embedder with a vector cache on disk keyed by text, so reruns skip embedding."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.model_name = inner.model_name
        self.dim = inner.dim
        self.path = path
        self.hits = 0
        self.misses = 0
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = 0
        if path.exists():
            with np.load(path) as data:
                self._vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(text.encode()).hexdigest()

    def embed(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        keys = [self._key(text) for text in texts]
        missing = list(dict.fromkeys(t for k, t in zip(keys, texts, strict=True) if k not in self._vectors))
        if missing:
            vectors = self.inner.embed(missing, batch_size=batch_size)
            for text, vector in zip(missing, vectors, strict=True):
                self._vectors[self._key(text)] = vector
            self._dirty += len(missing)
            if self._dirty >= 8192:
                self.save()
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(self._vectors)), vectors=np.stack(list(self._vectors.values())))
        tmp.replace(self.path)
        self._dirty = 0


# ---- StackFAQ quality -----------------------------------------------------------------------------


def load_stackfaq() -> tuple[list[KnowledgeDocument], list[dict[str, str]], dict[str, str]]:
    documents = []
    for line in (DATA / "corpus.jsonl").read_text().splitlines():
        row = json.loads(line)
        documents.append(
            KnowledgeDocument(
                id=row["_id"],
                tenant_id="stackfaq",
                kind=DocumentKind.FAQ,
                title=row["title"],
                text=row["text"],
                metadata=DocumentMetadata(source="stackexchange-webapps"),
            )
        )
    queries = [json.loads(line) for line in (DATA / "queries.jsonl").read_text().splitlines()]
    qrels = {}
    for line in (DATA / "qrels.tsv").read_text().splitlines()[1:]:
        query_id, doc_id, _score = line.split("\t")
        qrels[query_id] = doc_id
    return documents, queries, qrels


def ranking_metrics(rankings: Sequence[list[str]], gold: Sequence[str]) -> dict[str, float]:
    ndcg = recall = mrr = 0.0
    for ranked, relevant in zip(rankings, gold, strict=True):
        top = ranked[:10]
        if relevant in top:
            rank = top.index(relevant) + 1
            ndcg += 1 / np.log2(rank + 1)
            recall += 1
            mrr += 1 / rank
    n = len(gold)
    return {"ndcg@10": ndcg / n, "recall@10": recall / n, "mrr": mrr / n}


def evaluate(
    search: KnowledgeSearch,
    queries: Sequence[dict[str, str]],
    vectors: np.ndarray,
    qrels: dict[str, str],
    mode: SearchMode,
    fusion: Fusion | None = None,
) -> dict[str, float]:
    filters = SearchFilters(tenant_id="stackfaq")
    rankings = []
    for query, vector in zip(queries, vectors, strict=True):
        results = search.search(
            query["text"], filters=filters, mode=mode, query_vector=vector, limit=10, fusion=fusion
        )
        rankings.append(results.document_ids)
    return ranking_metrics(rankings, [qrels[q["_id"]] for q in queries])


def stackfaq_quality(
    store_factories: dict[str, Callable[[], VectorStore]], embedder: Embedder
) -> tuple[dict[str, Any], list[list[str]]]:
    documents, queries, qrels = load_stackfaq()
    tuning = [q for q in queries if q["group"] == "A"]
    held_out = [q for q in queries if q["group"] == "B"]
    vectors = embedder.embed([q["text"] for q in queries])
    by_id = {q["_id"]: v for q, v in zip(queries, vectors, strict=True)}
    tune_vectors = np.stack([by_id[q["_id"]] for q in tuning])
    test_vectors = np.stack([by_id[q["_id"]] for q in held_out])

    out: dict[str, Any] = {
        "stackfaq.split": "dataset groups: tune on A (625 queries), report on B (624 queries)",
        "stackfaq.documents": len(documents),
    }
    rows: list[list[str]] = []
    weight = None
    for backend, factory in store_factories.items():
        store = factory()
        try:
            report = Indexer(store, embedder).index(documents)
            out[f"stackfaq.{backend}.chunks"] = report.chunks_embedded
            search = KnowledgeSearch(store, embedder)
            if weight is None:  # choose the weight once, on the tuning half, with the default store
                grid = {}
                for w in WEIGHTS:
                    grid[w] = evaluate(
                        search, tuning, tune_vectors, qrels, SearchMode.HYBRID, ConvexFusion(keyword_weight=w)
                    )
                weight = max(WEIGHTS, key=lambda w: (grid[w]["ndcg@10"], grid[w]["mrr"]))
                out["stackfaq.hybrid.keyword_weight"] = weight
                out["stackfaq.tuning.grid"] = {str(w): round(m["ndcg@10"], 4) for w, m in grid.items()}
            prefix = "stackfaq" if backend == "edge" else f"stackfaq.{backend}"
            variants: list[tuple[str, SearchMode, Fusion | None]] = [
                ("keyword", SearchMode.KEYWORD, None),
                ("dense", SearchMode.DENSE, None),
                ("hybrid", SearchMode.HYBRID, ConvexFusion(keyword_weight=weight)),
            ]
            if backend == "edge":
                variants += [
                    ("hybrid_rrf_engine", SearchMode.HYBRID, RrfFusion(k=60)),
                    ("hybrid_dbsf_engine", SearchMode.HYBRID, DbsfFusion()),
                ]
            for name, mode, fusion in variants:
                tune = evaluate(search, tuning, tune_vectors, qrels, mode, fusion)
                test = evaluate(search, held_out, test_vectors, qrels, mode, fusion)
                for metric, value in test.items():
                    out[f"{prefix}.{name}.{metric}"] = round(value, 4)
                out[f"{prefix}.{name}.tuning_ndcg@10"] = round(tune["ndcg@10"], 4)
                rows.append(
                    [
                        backend,
                        name,
                        f"{tune['ndcg@10']:.4f}",
                        f"{test['ndcg@10']:.4f}",
                        f"{test['recall@10']:.4f}",
                        f"{test['mrr']:.4f}",
                    ]
                )
        finally:
            store.close()
    return out, rows


# ---- synthetic catalogue --------------------------------------------------------------------------

_SIZES = (3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24)
_MATERIALS = {
    "stainless A2": ("stainless steel A2-70", 2.2),
    "stainless A4": ("stainless steel A4-80, acid resistant", 3.0),
    "zinc plated 8.8": ("steel 8.8, zinc plated", 1.0),
    "hot-dip galvanised 8.8": ("steel 8.8, hot-dip galvanised", 1.3),
    "black 10.9": ("steel 10.9, black oxide", 1.4),
    "brass": ("brass CuZn39Pb3", 3.5),
}
_PACKS = (10, 25, 50, 100, 200, 500, 1000)
_BRANDS = ("Reyher", "Bossard", "Fabory", "Würth", "generic")


def _fasteners(rng: random.Random) -> list[dict[str, Any]]:
    items = []
    for d in _SIZES:
        lengths = [
            x for x in (8, 10, 12, 16, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 100, 120, 150, 200) if x >= d
        ]
        for mat, (mat_long, factor) in _MATERIALS.items():
            for pack in _PACKS:
                for length in lengths:
                    for std, kind, cat in (
                        ("DIN 933", "hex bolt", "Fasteners > Bolts"),
                        ("DIN 931", "hex bolt, part thread", "Fasteners > Bolts"),
                        ("ISO 4762", "socket head cap screw", "Fasteners > Screws"),
                        ("DIN 7991", "countersunk socket screw", "Fasteners > Screws"),
                        ("ISO 4017", "hex set screw, full thread", "Fasteners > Screws"),
                        ("ISO 7380", "button head socket screw", "Fasteners > Screws"),
                        ("DIN 912", "socket cap screw", "Fasteners > Screws"),
                    ):
                        brand = rng.choice(_BRANDS)
                        items.append(
                            {
                                "title": f"M{d} x {length} {mat} {kind} {std}, {pack} pcs",
                                "text": f"{kind.capitalize()} to {std}, thread M{d}, length {length} mm, "
                                f"{mat_long}. Pack of {pack} pieces. Brand {brand}.",
                                "category": cat,
                                "price": round(
                                    0.02 * d * (1 + length / 40) * factor * pack * rng.uniform(0.8, 1.2), 2
                                ),
                                "sku": f"{std.replace(' ', '')}-M{d}x{length}-{mat.split()[0][:3].upper()}-{pack}",
                            }
                        )
                for std, kind in (
                    ("DIN 934", "hex nut"),
                    ("DIN 985", "nylon insert lock nut"),
                    ("DIN 125", "washer"),
                ):
                    items.append(
                        {
                            "title": f"M{d} {mat} {kind} {std}, {pack} pcs",
                            "text": f"{kind.capitalize()} to {std} for M{d} threads, {mat_long}. Pack of {pack}.",
                            "category": "Fasteners > Nuts and washers",
                            "price": round(0.01 * d * factor * pack * rng.uniform(0.8, 1.2), 2),
                            "sku": f"{std.replace(' ', '')}-M{d}-{mat.split()[0][:3].upper()}-{pack}",
                        }
                    )
    return items


def _plates(rng: random.Random) -> list[dict[str, Any]]:
    items = []
    alloys = {
        "6061-T6": "aluminium",
        "6082-T6": "aluminium",
        "5083-H111": "aluminium",
        "7075-T6": "aluminium",
    }
    alloys |= {
        "S235JR": "steel",
        "S355J2": "steel",
        "1.4301 (304)": "stainless",
        "1.4404 (316L)": "stainless",
    }
    for alloy, metal in alloys.items():
        for t in (1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50):
            for dims in ("100x100", "200x100", "300x300", "500x500", "1000x500", "1000x1000", "1250x2500"):
                w, h = (int(x) for x in dims.split("x"))
                density = 2.7 if metal == "aluminium" else 7.9
                price = w * h * t * density / 1e6 * (9 if metal == "aluminium" else 4) * rng.uniform(0.9, 1.1)
                items.append(
                    {
                        "title": f"{alloy} {metal} plate {t} mm {dims}",
                        "text": f"{metal.capitalize()} plate, alloy {alloy}, thickness {t} mm, cut to {dims} mm. "
                        "Sawn edges, protective film on one side.",
                        "category": f"Raw material > {metal.capitalize()} plate",
                        "price": round(price + 5, 2),
                        "sku": f"PL-{alloy.split()[0]}-{t}-{dims}",
                    }
                )
    return items


def _cutting_tools(rng: random.Random) -> list[dict[str, Any]]:
    items = []
    for material in ("solid carbide", "HSS-E", "HSS-Co8"):
        for d in (1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 25):
            for flutes in (2, 3, 4, 5):
                for coating in ("uncoated", "TiAlN", "TiN", "AlCrN", "DLC"):
                    for shape in ("square end", "ball nose", "corner radius 0.5", "roughing"):
                        items.append(
                            {
                                "title": f"{d} mm {flutes} flute {material} end mill, {shape}, {coating}",
                                "text": f"End mill {shape}, diameter {d} mm, {flutes} flutes, {material}, "
                                f"{coating}. For steel, stainless and aluminium.",
                                "category": "Cutting tools > End mills",
                                "price": round(
                                    (8 + d * 3)
                                    * (2.5 if material == "solid carbide" else 1)
                                    * rng.uniform(0.9, 1.1),
                                    2,
                                ),
                                "sku": f"EM-{material[:3].upper()}-{d}-{flutes}F-{shape[:3].upper()}-{coating[:3].upper()}",
                            }
                        )
    for tenth in range(10, 131):
        d = tenth / 10
        for material in ("HSS-G", "HSS-Co5", "solid carbide"):
            for finish in ("bright", "TiN coated", "black oxide"):
                items.append(
                    {
                        "title": f"{d:.1f} mm {material} twist drill DIN 338, {finish}",
                        "text": f"Jobber length twist drill to DIN 338, {d:.1f} mm, {material}, {finish}, 118° point.",
                        "category": "Cutting tools > Drills",
                        "price": round(
                            (1 + d) * (4 if material == "solid carbide" else 1) * rng.uniform(0.9, 1.1), 2
                        ),
                        "sku": f"TD-{material[:3].upper()}-{d:.1f}-{finish[:2].upper()}",
                    }
                )
    return items


def _bearings_and_seals(rng: random.Random) -> list[dict[str, Any]]:
    items = []
    for series in ("60", "62", "63"):
        for bore_code in range(0, 21):
            designation = f"{series}{bore_code:02d}"
            bore = {0: 10, 1: 12, 2: 15, 3: 17}.get(bore_code, bore_code * 5)
            for seal in ("open", "ZZ", "2RS", "2RS C3"):
                for brand in ("SKF", "FAG", "NSK", "NTN", "generic"):
                    items.append(
                        {
                            "title": f"{brand} {designation}-{seal.replace(' ', '-')} deep groove ball bearing",
                            "text": f"Deep groove ball bearing {designation}, bore {bore} mm, {seal}. Brand {brand}.",
                            "category": "Bearings > Ball bearings",
                            "price": round(
                                (3 + bore * 0.4)
                                * (0.5 if brand == "generic" else 1.5)
                                * rng.uniform(0.9, 1.1),
                                2,
                            ),
                            "sku": f"BRG-{designation}-{seal.replace(' ', '')}-{brand[:3].upper()}",
                        }
                    )
    for inner in range(3, 120):
        for section in (1.5, 2, 2.5, 3, 3.5, 5):
            for material in ("NBR 70", "FKM 75", "EPDM 70", "silicone 60"):
                items.append(
                    {
                        "title": f"O-ring {inner} x {section} mm {material}",
                        "text": f"O-ring, inner diameter {inner} mm, cross section {section} mm, {material}.",
                        "category": "Seals > O-rings",
                        "price": round(0.2 + inner * section * 0.01 * rng.uniform(0.9, 1.1), 2),
                        "sku": f"OR-{inner}x{section}-{material.split()[0]}",
                    }
                )
    return items


def synthesize_catalogue(size: int, *, seed: int = 7) -> list[KnowledgeDocument]:
    """``size`` distinct products of two tenants (90% acme, 10% globex), deterministic for a seed."""
    rng = random.Random(seed)
    pool = _fasteners(rng) + _plates(rng) + _cutting_tools(rng) + _bearings_and_seals(rng)
    if size > len(pool):
        raise SystemExit(f"the catalogue generator makes {len(pool)} products, asked for {size}")
    rng.shuffle(pool)
    documents = []
    stock = ("in_stock",) * 8 + ("out_of_stock", "backorder")
    for i, item in enumerate(pool[:size]):
        documents.append(
            KnowledgeDocument(
                id=f"prod-{i:06d}",
                tenant_id="acme" if i % 10 else "globex",
                kind=DocumentKind.PRODUCT,
                title=item["title"],
                text=item["text"],
                metadata=DocumentMetadata(
                    category=item["category"],
                    sku=f"{item['sku']}-{i}",
                    product_id=f"prod-{i:06d}",
                    price=item["price"],
                    stock_status=rng.choice(stock),
                ),
            )
        )
    return documents


CATALOGUE_QUERIES = [
    "M8 stainless hex bolts, 50 pcs",
    "M10 x 60 galvanised bolt DIN 931",
    "socket head cap screw M6 x 20 A4",
    "countersunk screws M5 stainless",
    "M12 nylon lock nuts 100 pieces",
    "washers for M16 zinc plated",
    "brass hex nut M4",
    "6061-T6 aluminium plate 10 mm 500x500",
    "stainless sheet 316L 2 mm",
    "S355 steel plate 20mm",
    "4 flute carbide end mill 10 mm TiAlN",
    "ball nose cutter 6 mm",
    "roughing end mill 20mm HSS",
    "HSS cobalt drill 6.5 mm",
    "carbide twist drill 3.3",
    "6205 2RS bearing SKF",
    "6004 ZZ ball bearing",
    "cheap deep groove bearing 25 mm bore",
    "O-ring 20 x 2 FKM",
    "viton o ring 50mm 3mm section",
    "EPDM seal ring 12 x 1.5",
    "black oxide bolts 10.9 M20",
    "acid resistant screws for marine use",
    "what bolts do you have for outdoor use",
    "end mill for aluminium 3 flute",
    "drill bit for stainless steel",
    "7075 plate 25 mm",
    "bearing 6310 C3",
    "M24 x 200 hex bolt",
    "small pack of M3 screws",
]


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def measure_latency(
    search: KnowledgeSearch, queries: Sequence[str], vectors: np.ndarray, *, rounds: int
) -> dict[str, dict[str, float]]:
    filters = SearchFilters(tenant_id="acme", min_price=5.0, max_price=500.0)
    out = {}
    for mode in SearchMode:
        for text, vector in zip(queries[:5], vectors[:5], strict=True):  # warm up
            search.search(text, filters=filters, mode=mode, query_vector=vector)
        timings, hits = [], 0
        for _ in range(rounds):
            for text, vector in zip(queries, vectors, strict=True):
                started = time.perf_counter()
                results = search.search(text, filters=filters, mode=mode, query_vector=vector, limit=10)
                timings.append((time.perf_counter() - started) * 1000)
                hits += len(results.hits)
        out[str(mode)] = {
            "p50_ms": round(percentile(timings, 50), 2),
            "p95_ms": round(percentile(timings, 95), 2),
            "mean_hits": round(hits / len(timings), 2),
        }
    return out


def catalogue_speed(
    sizes: Sequence[int], embedder: CachedEmbedder, rounds: int, local_sizes: Sequence[int]
) -> tuple[dict[str, Any], list[list[str]]]:
    out: dict[str, Any] = {}
    rows: list[list[str]] = []
    query_vectors = embedder.embed(CATALOGUE_QUERIES)
    model = get_embedder()
    model.embed(["warm up"])
    single = []
    for text in CATALOGUE_QUERIES[:20]:
        started = time.perf_counter()
        model.embed([text])
        single.append((time.perf_counter() - started) * 1000)
    out["speed.query_embedding_ms_p50"] = round(percentile(single, 50), 2)

    # Cold, end to end: real embedding, no cache, fresh store.
    cold_docs = synthesize_catalogue(1000, seed=99)
    with tempfile.TemporaryDirectory() as folder:
        store = EdgeStore(Path(folder) / "shard")
        indexer = Indexer(store, get_embedder(), optimize_after=10**9)
        first = indexer.index(cold_docs)
        again = indexer.index(cold_docs)
        store.close()
    out["speed.cold_1000.ingest_docs_per_s"] = round(len(cold_docs) / first.seconds, 1)
    out["speed.cold_1000.ingest_s"] = round(first.seconds, 2)
    out["speed.cold_1000.reingest_s"] = round(again.seconds, 3)
    out["speed.cold_1000.reingest_speedup"] = round(first.seconds / again.seconds, 1)
    out["speed.cold_1000.reingest_embedded_chunks"] = again.chunks_embedded
    rows.append(
        [
            "edge",
            "1,000 cold",
            f"{len(cold_docs) / first.seconds:.0f}",
            f"{first.seconds:.1f}",
            f"{again.seconds:.3f} ({first.seconds / again.seconds:.0f}x)",
            "-",
            "",
            "",
            "",
        ]
    )

    backends: list[tuple[str, int]] = [("edge", n) for n in sizes]
    backends += [("qdrant_local", n) for n in local_sizes if n <= max(sizes)]
    for backend, size in backends:
        documents = synthesize_catalogue(size)
        with tempfile.TemporaryDirectory() as folder:
            store: VectorStore
            if backend == "edge":
                store = EdgeStore(Path(folder) / "shard")
            else:
                from parley.knowledge.stores.qdrant_server import QdrantServerStore

                store = QdrantServerStore.local(None)
            misses_before = embedder.misses
            indexer = Indexer(store, embedder, optimize_after=10**9)
            first = indexer.index(documents)
            fresh = embedder.misses - misses_before
            optimize_started = time.perf_counter()
            store.optimize()
            optimize_s = time.perf_counter() - optimize_started
            again = indexer.index(documents)
            embedder.save()
            search = KnowledgeSearch(store, embedder)
            latency = measure_latency(
                search, CATALOGUE_QUERIES, query_vectors, rounds=rounds if backend == "edge" else 1
            )
            store.close()
        key = f"speed.{backend}.{size}"
        out[f"{key}.ingest_docs_per_s"] = round(size / first.seconds, 1)
        out[f"{key}.ingest_s"] = round(first.seconds, 2)
        out[f"{key}.ingest_freshly_embedded"] = fresh
        out[f"{key}.optimize_s"] = round(optimize_s, 2)
        out[f"{key}.reingest_s"] = round(again.seconds, 3)
        out[f"{key}.reingest_speedup"] = round(first.seconds / again.seconds, 1)
        out[f"{key}.reingest_embedded_chunks"] = again.chunks_embedded
        for mode, figures in latency.items():
            for name, value in figures.items():
                out[f"{key}.{mode}.{name}"] = value
        rows.append(
            [
                backend,
                f"{size:,}" + ("" if fresh else " (cached vectors)"),
                f"{size / first.seconds:.0f}",
                f"{first.seconds:.1f}",
                f"{again.seconds:.3f} ({first.seconds / again.seconds:.0f}x)",
                f"{optimize_s:.1f}",
                *(f"{latency[str(m)]['p50_ms']:.1f} / {latency[str(m)]['p95_ms']:.1f}" for m in SearchMode),
            ]
        )
        console.log(f"{backend} {size}: ingest {first.seconds:.1f}s, latency {latency}")
    return out, rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,50000", help="catalogue sizes for the speed part")
    parser.add_argument(
        "--local-sizes", default="1000,10000", help="sizes also run on qdrant-client local mode"
    )
    parser.add_argument("--rounds", type=int, default=5, help="passes over the latency queries per mode")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    local_sizes = [int(s) for s in args.local_sizes.split(",") if s]

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    inner = get_embedder()
    embedder = CachedEmbedder(
        inner, CACHE / f"vectors-{hashlib.sha1(inner.model_name.encode()).hexdigest()[:8]}.npz"
    )
    results: dict[str, Any] = {
        "machine.cpus": os.cpu_count(),
        "embedding_model": inner.model_name,
        "python": sys.version.split()[0],
    }

    if not args.skip_quality:
        from parley.knowledge.stores.qdrant_server import QdrantServerStore

        factories: dict[str, Callable[[], VectorStore]] = {
            "edge": lambda: EdgeStore(Path(tempfile.mkdtemp(prefix="stackfaq-")) / "shard"),
            "qdrant_local": lambda: QdrantServerStore.local(None),
        }
        quality, quality_rows = stackfaq_quality(factories, embedder)
        embedder.save()
        results |= quality
        table = Table(title="StackFAQ retrieval (weight tuned on group A, reported on group B)")
        for column in ("store", "method", "nDCG@10 tune(A)", "nDCG@10 (B)", "recall@10 (B)", "MRR@10 (B)"):
            table.add_column(column, justify="right" if "@" in column else "left")
        for row in quality_rows:
            table.add_row(*row)
        console.print(table)
        console.print(f"hybrid keyword weight chosen on A: {results['stackfaq.hybrid.keyword_weight']}")

    if not args.skip_speed:
        speed, speed_rows = catalogue_speed(sizes, embedder, args.rounds, local_sizes)
        results |= speed
        table = Table(
            title="Catalogue speed: tenant + price-range filter, limit 10, per-document (ms p50 / p95)"
        )
        for column in (
            "store",
            "products",
            "ingest docs/s",
            "ingest s",
            "re-ingest s (speed-up)",
            "optimize s",
            "dense",
            "keyword",
            "hybrid",
        ):
            table.add_column(column)
        for row in speed_rows:
            table.add_row(*row)
        console.print(table)
        console.print(
            f"query embedding (one message, p50 of 20): {results['speed.query_embedding_ms_p50']} ms"
        )

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    console.print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
