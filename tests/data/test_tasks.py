"""Tasks as masks over a voice grid, and the pairs they make from training arrays: only masked cells are
learned, harmonizing masks exactly the lower voices, infilling a span (and, left only, everything after it),
every split is kept apart and the pairs are the same on every run."""

import numpy as np
import pytest

from tunesmith.data.arrays import write_arrays
from tunesmith.data.pairs import PairArrays
from tunesmith.data.tasks import draw_mask, mask_sequence, pairs_from_arrays, parse_mix
from tunesmith.errors import ConfigError
from tunesmith.representation import get_tokenizer
from tunesmith.score.model import KeySignature, Score, TimeSignature, Track, note_array

TOK = get_tokenizer("voicegrid", voices=4)


def chorale(shift=0, bars=4):
    """Four voices in quarter notes, each its own line."""
    tracks = []
    for v, base in enumerate((72, 67, 60, 48)):
        rows = [(base + shift + (i * (v + 1)) % 5, i * 480, 480) for i in range(4 * bars)]
        tracks.append(Track(note_array(rows)))
    return Score(tracks=tuple(tracks), time_signatures=(TimeSignature(0, 4, 4),),
                 key_signatures=(KeySignature(0, 0, "major"),))


def test_harmonize_masks_and_learns_exactly_the_lower_voices():
    ids = TOK.encode(chorale())
    steps = (len(ids) - 6) // 4
    learn, hidden = draw_mask("harmonize", steps, 4, 4, np.random.default_rng(0))
    src, flags = mask_sequence(ids, 5, 4, learn, hidden, len(TOK.vocab))
    body_src, body = np.array(src[5:-1]).reshape(steps, 4), np.array(ids[5:-1]).reshape(steps, 4)
    assert (body_src[:, 0] == body[:, 0]).all() and (body_src[:, 1:] == len(TOK.vocab)).all()
    assert flags[:5].sum() == 0 and flags[-1] == 0 and (np.array(flags[5:-1]).reshape(steps, 4)[:, 1:] == 1).all()
    assert src[:5].tolist() == ids[:5] and src[-1] == ids[-1]


@pytest.mark.parametrize("seed", range(20))
def test_infill_spans_whole_beats_and_left_only_hides_the_rest(seed):
    learn, hidden = draw_mask("infill-left", 64, 4, 4, np.random.default_rng(seed))
    rows = np.flatnonzero(learn.any(1))
    assert len(rows) and rows[0] % 4 == 0 and np.array_equal(rows, np.arange(rows[0], rows[-1] + 1))
    assert 16 <= len(rows) <= 64 or rows[-1] == 63
    assert hidden[rows[-1] + 1:].all() and not hidden[: rows[-1] + 1].any()
    both, none = draw_mask("infill", 64, 4, 4, np.random.default_rng(seed))
    assert not none.any() and np.array_equal(both, learn)


def test_mix_is_read_with_weights_and_unknown_tasks_are_refused():
    assert parse_mix("harmonize:0.5,infill") == {"harmonize": 0.5, "infill": 1.0}
    with pytest.raises(ConfigError, match="unknown task 'fugue'"):
        parse_mix("fugue")
    with pytest.raises(ConfigError, match="positive"):
        parse_mix("infill:0")


def test_pairs_from_arrays_keep_splits_apart_and_are_reproducible(tmp_path):
    def seqs(split, n, shifts):
        return [(f"{split}{i}", s, TOK.encode(chorale(s, 2 + i))) for i in range(n) for s in shifts]

    arrays = write_arrays(tmp_path / "arrays", TOK, {"train": seqs("t", 4, (0, 2)), "valid": seqs("v", 2, (0,))})
    from tunesmith.data.arrays import TokenArrays

    mix = {"harmonize": 1, "infill": 1, "infill-left": 1}
    a = pairs_from_arrays(TokenArrays.load(arrays), mix, tmp_path / "a")
    b = pairs_from_arrays(TokenArrays.load(arrays), mix, tmp_path / "b")
    assert a.count("train") == 8 and a.count("valid") == 6  # one task per train sequence, every task per valid
    assert set(a.meta["splits"]["valid"]["pieces"]) == {"v0", "v1"}
    assert a.meta["layout"] == {"prefix": 5, "stride": 4} and a.meta["vocab"][-1] == "Mask"
    for x, y in zip(a.arrays("train")[:3], b.arrays("train")[:3]):
        assert np.array_equal(x, y)
    src, tgt, learn, _ = a.arrays("train")
    masked = src == len(TOK.vocab)
    assert learn.sum() > 0 and not (learn.astype(bool) & ~masked).any()  # learned cells are masked cells
    assert np.array_equal(src[~masked], tgt[~masked])
    assert isinstance(PairArrays.load(tmp_path / "a"), PairArrays)
