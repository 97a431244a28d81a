"""Motif queries on the originality index: every occurrence found, as a scan of the token stream finds them."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tunesmith.errors import TunesmithError
from tunesmith.evaluation.corpus_index import memory_index, merged, prepared_corpora
from tunesmith.evaluation.originality import (
    build_index,
    locate,
    melody_tokens,
    occurrences,
    token_stream,
)
from tunesmith.score import transpose

from .scores import melody, score_of


def tune(seed, n):
    """A random melody from a small alphabet, so that short fragments repeat often, even across pieces."""
    r = np.random.default_rng(seed)
    return score_of(melody(list(60 + np.cumsum(np.r_[0, r.integers(-2, 3, size=n - 1)])),
                           list(r.choice([0.5, 1.0], size=n))))


PIECES = [(f"c/{i}", tune(i, n)) for i, n in enumerate([40, 3, 4, 1, 25, 60, 5])]  # short pieces too
INDEX = build_index(PIECES)
STREAM = [melody_tokens(s) for _, s in PIECES]


def scan(tokens, free_end=True, first_units=None, rhythm=True):
    """Every (piece, start) where `tokens` match, by brute force over the pieces' own tokens."""
    out = []
    for pid, toks in zip(INDEX.ids, STREAM):
        n = len(tokens)
        for a in range(len(toks) - n + 1):
            w = toks[a:a + n]
            key = (lambda t: t >> 8) if not rhythm else (lambda t: t)
            head = n - 1 if free_end or not rhythm else n
            ok = all(key(w[i]) == key(tokens[i]) for i in range(head)) and w[n - 1] >> 8 == tokens[n - 1] >> 8
            if ok and rhythm and first_units is not None and a > 0:
                ok = toks[a - 1] & 0xFF == first_units
            if ok and len(toks) >= INDEX.seed:  # pieces shorter than a seed are not indexed
                out.append((pid, a))
    return out


def test_the_stream_is_the_pieces_tokens_end_to_end():
    stream = token_stream(INDEX)
    long_enough = np.concatenate([t if len(t) >= INDEX.seed else np.full(len(t), -1) for t in STREAM])
    assert np.array_equal(stream, long_enough)


@settings(max_examples=60, deadline=None)
@given(piece=st.sampled_from([0, 4, 5]), at=st.integers(0, 20), n=st.integers(1, 9), free=st.booleans(),
       rhythm=st.booleans(), first=st.booleans())
def test_occurrences_are_what_a_scan_finds(piece, at, n, free, rhythm, first):
    toks = STREAM[piece]
    at = min(at, len(toks) - n)
    query = toks[at:at + n]
    units = int(toks[at - 1] & 0xFF) if first and at else None
    found = locate(INDEX, occurrences(INDEX, query, units, free, rhythm))
    assert found == scan(query, free, units, rhythm)
    assert (INDEX.ids[piece], at) in found  # the fragment's own place


def test_the_last_notes_of_a_piece_and_no_match_across_pieces():
    last = STREAM[5][-2:]  # the final three notes of a piece: no seed begins there
    assert ("c/5", len(STREAM[5]) - 2) in locate(INDEX, occurrences(INDEX, last, free_end=False))
    across = np.r_[STREAM[0][-2:], STREAM[2][:3]]  # piece 0's end then piece 2's start (piece 1 is unindexed)
    assert ("c/0", len(STREAM[0]) - 2) not in locate(INDEX, occurrences(INDEX, across, free_end=False))


def test_a_transposed_motif_is_the_same_motif():
    motif = transpose(score_of(melody([60, 62, 64, 62, 60], [0.5, 0.5, 1, 0.5, 1])), 5).score
    corpus = build_index([("a", score_of(melody([55, 57, 59, 57, 55, 67, 69, 71, 69, 67], 0.5)))])
    tokens = melody_tokens(motif)
    assert locate(corpus, occurrences(corpus, tokens)) == []  # rhythm differs (quarters)
    assert locate(corpus, occurrences(corpus, tokens, rhythm=False)) == [("a", 0), ("a", 5)]


def test_the_memory_indexes_every_split_once_and_merges(fake_chorales, tmp_path):
    assert prepared_corpora() == ["chorales"]
    index = memory_index()
    assert sorted(index.ids) == sorted(fake_chorales) and index.source == "chorales:all"
    again = memory_index()  # loaded from the cache: the same arrays
    assert again.ids == index.ids and np.array_equal(again.keys, index.keys)
    both = merged(index, build_index([("mine/x", tune(9, 20))], source="library"))
    tokens = melody_tokens(tune(9, 20))[3:7]
    assert ("mine/x", 3) in locate(both, occurrences(both, tokens))
    with pytest.raises(TunesmithError, match="not prepared"):
        memory_index(["essen"])


def test_no_corpus_prepared_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNESMITH_CACHE", str(tmp_path))
    with pytest.raises(TunesmithError, match="data prepare"):
        memory_index()
