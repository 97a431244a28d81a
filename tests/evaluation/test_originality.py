import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.evaluation.originality import Index, build_index, melody_tokens, originality, seed_keys
from tunesmith.score import Score, note_array, transpose

from .scores import Q, melody, score_of


def tune(seed, n=40, start=60):
    """A random stepwise melody in eighths and quarters."""
    r = np.random.default_rng(seed)
    pitches = start + np.cumsum(np.r_[0, r.integers(-4, 5, size=n - 1)])
    return melody(list(pitches), list(r.choice([0.5, 1.0], size=n)))


CORPUS = [(f"tune{i}", score_of(tune(i))) for i in range(6)]
INDEX = build_index(CORPUS)


def test_tokens_are_transposition_invariant():
    s = CORPUS[0][1]
    assert np.array_equal(melody_tokens(s), melody_tokens(transpose(s, 5).score))
    assert len(melody_tokens(s)) == 39


def test_seed_keys_pack_windows_exactly():
    keys = seed_keys(np.array([1, 2, 3, 4, 5]), 4)
    assert list(keys) == [(1 << 48) | (2 << 32) | (3 << 16) | 4, (2 << 48) | (3 << 32) | (4 << 16) | 5]
    assert len(seed_keys(np.array([1, 2]), 4)) == 0


def test_a_transposed_copy_is_found_whole():
    r = originality(transpose(CORPUS[2][1], -7).score, INDEX)
    assert r == {"longest_shared_run": 40, "longest_match_piece": "tune2", "ngram_overlap": 1.0,
                 "melody_notes": 40}


def test_a_new_melody_shares_little():
    r = originality(score_of(tune(99)), INDEX)
    assert r["ngram_overlap"] < 0.1
    assert r["longest_shared_run"] < 10


def test_a_quoted_fragment_is_measured_exactly():
    fragment = tune(3)[10:22].copy()  # 12 notes of tune3
    fragment["start"] -= fragment["start"][0]
    fragment["pitch"] += 2
    # new material in dotted eighths (a length the corpus never uses) and far leaps around the quote
    before = melody([40, 90, 40, 90], 0.75)
    after = melody([95, 45, 95, 45], 0.75, start=3 * Q + int(fragment["start"][-1] + fragment["duration"][-1]))
    quote = fragment.copy()
    quote["start"] += 3 * Q
    s = score_of(note_array([(int(n["pitch"]), int(n["start"]), int(n["duration"]))
                             for part in (before, quote, after) for n in part]))
    r = originality(s, INDEX, n=8)
    assert r["longest_shared_run"] == 12 and r["longest_match_piece"] == "tune3"
    # 20 notes: 19 tokens, 12 n-grams of 8 tokens; the quote's 11 inner tokens hold 11 - 8 + 1 = 4 of them
    assert r["melody_notes"] == 20
    assert r["ngram_overlap"] == pytest.approx(4 / 12)


def test_exclude_leaves_the_piece_itself_out():
    pid, s = CORPUS[4]
    assert originality(s, INDEX)["longest_shared_run"] == 40
    assert originality(s, INDEX, exclude=pid)["longest_shared_run"] < 10
    with pytest.raises(ConfigError):
        originality(s, INDEX, exclude="nope")


def test_save_and_load_round_trip_without_pickle(tmp_path):
    INDEX.save(tmp_path / "idx")
    meta = json.loads((tmp_path / "idx" / "index.json").read_text())
    assert meta["ids"] == [pid for pid, _ in CORPUS]
    with np.load(tmp_path / "idx" / "ngrams.npz", allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    loaded = Index.load(tmp_path / "idx")
    q = transpose(CORPUS[1][1], 3).score
    assert originality(q, loaded) == originality(q, INDEX)


def test_short_and_empty_pieces():
    r = originality(score_of(melody([60, 62, 64])), INDEX)
    assert r["longest_shared_run"] == 0 and r["longest_match_piece"] is None and math.isnan(r["ngram_overlap"])
    r = originality(Score(), INDEX)
    assert math.isnan(r["longest_shared_run"]) and math.isnan(r["ngram_overlap"]) and r["melody_notes"] == 0
    with pytest.raises(ConfigError):
        originality(CORPUS[0][1], INDEX, n=3)


def test_bare_scores_are_numbered():
    assert build_index([s for _, s in CORPUS[:2]]).ids == ("0", "1")


def _brute(query, corpus, n, seed=4):
    """Longest common run (notes) and n-gram overlap by exhaustive comparison of token sequences."""
    q = list(melody_tokens(query))
    best, grams = 0, set()
    for _, s in corpus:
        c = list(melody_tokens(s))
        grams |= {tuple(c[i:i + n]) for i in range(len(c) - n + 1)}
        for i in range(len(q)):
            for j in range(len(c)):
                k = 0
                while i + k < len(q) and j + k < len(c) and q[i + k] == c[j + k]:
                    k += 1
                best = max(best, k)
    count = len(q) - n + 1
    overlap = np.mean([tuple(q[i:i + n]) in grams for i in range(count)]) if count > 0 else math.nan
    return (best + 1 if best >= seed else 0), overlap


small_tune = st.lists(st.sampled_from([60, 62, 64]), min_size=1, max_size=30)


@settings(max_examples=30, deadline=None)
@given(st.lists(small_tune, min_size=1, max_size=4), small_tune, st.integers(4, 7))
def test_matches_brute_force_on_small_alphabets(corpus_tunes, query, n):
    corpus = [(str(i), score_of(melody(t))) for i, t in enumerate(corpus_tunes)]
    r = originality(score_of(melody(query)), build_index(corpus), n=n)
    longest, overlap = _brute(score_of(melody(query)), corpus, n)
    assert r["longest_shared_run"] == longest
    assert (math.isnan(overlap) and math.isnan(r["ngram_overlap"])) or r["ngram_overlap"] == pytest.approx(overlap)


def test_one_piece_against_a_corpus_of_hundreds_finds_its_source():
    # how long this takes is measured by bench/originality.py, not asserted here
    big = build_index((f"t{i}", score_of(tune(i, n=120))) for i in range(400))
    r = originality(score_of(tune(7, n=120)), big)
    assert r["longest_shared_run"] == 120


def test_saved_compressed_with_narrow_positions_and_a_source(tmp_path):
    build_index(CORPUS, source="tunes:train").save(tmp_path / "idx")
    loaded = Index.load(tmp_path / "idx")
    assert loaded.source == "tunes:train" and loaded.positions.dtype == np.int32
    assert np.array_equal(loaded.positions, INDEX.positions) and np.array_equal(loaded.keys, INDEX.keys)


def test_a_version_1_index_still_loads(tmp_path):
    folder = tmp_path / "v1"
    folder.mkdir()
    np.savez(folder / "ngrams.npz", keys=INDEX.keys, positions=INDEX.positions, offsets=INDEX.offsets)
    (folder / "index.json").write_text(json.dumps({"version": 1, "seed": 4, "duration_unit": 40,
                                                   "ids": list(INDEX.ids)}))
    q = transpose(CORPUS[5][1], 2).score
    assert originality(q, Index.load(folder)) == originality(q, INDEX)


def test_a_broken_or_foreign_index_is_a_clear_error(tmp_path):
    INDEX.save(tmp_path / "idx")
    (tmp_path / "idx" / "ngrams.npz").write_bytes(b"PK truncated")
    with pytest.raises(TunesmithError, match="unreadable originality index"):
        Index.load(tmp_path / "idx")
    (tmp_path / "idx" / "index.json").write_text(json.dumps({"version": 99, "duration_unit": 40}))
    with pytest.raises(TunesmithError, match="another version"):
        Index.load(tmp_path / "idx")
