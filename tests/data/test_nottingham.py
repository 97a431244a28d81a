"""The Nottingham lead sheets: the top note is the melody and the notes under it the chord, named in its family;
the derived file in the repository is what the rule makes, and its pairs learn only the chord cells."""

import gzip
import json

import numpy as np

from tunesmith.data import nottingham
from tunesmith.data.leadsheet import CHORD_TOKENS, chord_of_id, labels_per_step, vocabulary
from tunesmith.representation import get_tokenizer

TOK = get_tokenizer("voicegrid", voices=1, steps_per_quarter=2)


def test_separate_takes_the_top_note_as_melody():
    assert nottingham.separate([48, 52, 55, 64]) == (64, [48, 52, 55])
    assert nottingham.separate([67]) == (67, [])
    assert nottingham.separate([]) == (-1, [])


def test_derive_names_chords_in_families_and_counts_the_ambiguous(tmp_path):
    rolls = {"train": [[[48, 52, 55, 64], [48, 52, 55, 64], [43, 47, 50, 53, 67], [72], [], [45, 48, 52, 53]]]}
    path = tmp_path / "r.json.gz"
    path.write_bytes(gzip.compress(json.dumps(rolls).encode()))
    d = nottingham.derive(path)
    assert d["melody"].tolist() == [64, 64, 67, 72, -1, 53]
    assert d["root"].tolist() == [0, 0, 7, -1, -1, 9] and d["family"].tolist() == [0, 0, 2, -1, -1, 1]
    c = d["counts"]
    assert (c["steps"], c["empty"], c["melody_alone"], c["top_within_a_third"]) == (6, 1, 1, 1)
    [(i, melody, labels, mode)] = list(nottingham.pieces(d))
    src, tgt, learn = nottingham.sequence(TOK, melody, labels, mode, shift=2)
    assert len(tgt) == len(src) == len(learn) == 5 + 2 * 6 + 1
    mask = len(vocabulary(TOK)) - 1
    assert [s == mask for s in src[5:-1:2]] == [False] * 6 and all(s == mask for s in src[6:-1:2])
    assert learn[6:-1:2] == [1] * 6 and sum(learn) == 6
    assert [chord_of_id(TOK, t) for t in tgt[6:-1:2]] == [(2, "maj"), None, (9, "7"), None, None, (11, "min")]
    assert labels_per_step(TOK, tgt[6:-1:2]) == [(2, "maj"), (2, "maj"), (9, "7"), None, None, (11, "min")]


def test_the_file_in_the_repository_holds_the_train_split():
    d = nottingham.load_compact()
    assert len(d["offsets"]) == 695 and d["offsets"][-1] == len(d["melody"]) == 176561
    assert set(np.unique(d["family"])) <= {-1, 0, 1, 2, 3} and len(CHORD_TOKENS) == 48
    assert (d["root"] < 0).sum() == (d["family"] < 0).sum()


def test_written_pairs_learn_the_chords_and_read_the_melody(tmp_path):
    """The pairs on disk: the source holds the melody and Mask where the chords go, the target the chords."""
    from tunesmith.data.pairs import PairArrays

    d = nottingham.load_compact()
    n = 8
    small = {**d, "offsets": d["offsets"][:n + 1], "mode": d["mode"][:n]}
    nottingham.write_pairs(tmp_path / "p", small, transpose=(0, 0), held_out=0.0)
    src, tgt, learn, _ = PairArrays.load(tmp_path / "p").arrays("train")
    src, tgt, learn = (np.asarray(a) for a in (src, tgt, learn))
    mask = len(vocabulary(TOK)) - 1
    assert (src[learn > 0] == mask).all()
    chords = [chord_of_id(TOK, t) for t in tgt[learn > 0]]
    assert sum(c is not None for c in chords) > 50 and len(set(chords)) > 5
