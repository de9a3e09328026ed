"""Convex score fusion and highlighting, on their own."""

from __future__ import annotations

import pytest

from parley.knowledge import Bm25Encoder, ConvexFusion
from parley.knowledge.fusion import Candidate, convex_fuse
from parley.knowledge.highlight import highlight


def c(point_id: str, score: float) -> Candidate:
    return Candidate(point_id, score, {"document_id": point_id})


def test_fusion_adds_min_max_normalised_scores_with_the_keyword_weight() -> None:
    dense = [c("a", 0.80), c("b", 0.70), c("c", 0.60)]
    keyword = [c("c", 12.0), c("b", 6.0), c("d", 0.0)]

    fused = convex_fuse(dense, keyword, keyword_weight=0.25)

    assert [(x.point_id, round(x.score, 3)) for x in fused] == [("a", 0.75), ("b", 0.375), ("c", 0.25)]
    assert fused[1].scores == {"dense": 0.70, "keyword": 6.0}


def test_a_weight_of_zero_keeps_the_dense_order() -> None:
    dense = [c("a", 0.9), c("b", 0.5)]

    fused = convex_fuse(dense, [c("b", 30.0)], keyword_weight=0.0)

    assert [x.point_id for x in fused] == ["a", "b"]


def test_a_single_candidate_gets_the_full_score() -> None:
    assert convex_fuse([c("a", 0.3)], [], keyword_weight=0.1)[0].score == pytest.approx(0.9)


def test_a_weight_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="keyword_weight"):
        ConvexFusion(keyword_weight=1.5)


def test_highlights_mark_stemmed_matches_and_skip_stop_words() -> None:
    encoder = Bm25Encoder()
    query = frozenset(encoder.embed_query("the bolts for stainless").indices)

    marked = highlight("The M8 bolt in stainless steel", query, encoder)

    assert marked.fragments == ("The M8 <mark>bolt</mark> in <mark>stainless</mark> steel",)
    assert marked.terms == ("bolt", "stainless")


def test_long_text_gives_fragments_around_the_matches() -> None:
    encoder = Bm25Encoder()
    query = frozenset(encoder.embed_query("bank transfer").indices)
    text = "Filler words here. " * 30 + "You can pay by bank transfer." + " More filler." * 30

    marked = highlight(text, query, encoder, fragment_chars=80)

    assert len(marked.fragments) == 1
    fragment = marked.fragments[0]
    assert fragment.startswith("…") and fragment.endswith("…")
    assert "<mark>bank</mark> <mark>transfer</mark>" in fragment
    assert len(fragment) < 140


def test_no_match_means_no_highlights() -> None:
    encoder = Bm25Encoder()

    assert (
        highlight("Deep groove bearing", frozenset(encoder.embed_query("invoice").indices), encoder).fragments
        == ()
    )
