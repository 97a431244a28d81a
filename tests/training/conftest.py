"""A tiny corpus of training arrays for the trainer's tests: patterned sequences a debug model can learn."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tunesmith.data.arrays import write_arrays
from tunesmith.representation.base import Vocab

# debug models are tiny: one thread is faster, and spinning OpenMP threads on a busy 2-core machine is not
torch.set_num_threads(1)


class StandInTokenizer:
    """Just what write_arrays needs: a vocabulary and a dict."""

    def __init__(self, size: int = 32):
        self.vocab = Vocab(["PAD", "BOS", "EOS", *(f"Tok_{i}" for i in range(size - 3))])

    def to_dict(self) -> dict:
        return {"name": "stand-in", "config": {}}


def pieces(n: int, seed: int, vocab: int = 32) -> list[tuple[str, int, list[int]]]:
    """[BOS, a random walk of steps -2..2 (not 0), EOS]: predictable from the last token, so that a model
    soon beats the unigram baseline (about ln 4 nats against ln 29)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        walk = [int(rng.integers(3, vocab))]
        for _ in range(int(rng.integers(30, 70))):
            walk.append(3 + (walk[-1] - 3 + int(rng.choice([-2, -1, 1, 2]))) % (vocab - 3))
        out.append((f"p{seed}-{i}", 0, [1, *walk, 2]))
    return out


def make_arrays(folder, n_train: int = 60, n_valid: int = 12):
    return write_arrays(folder, StandInTokenizer(), {"train": pieces(n_train, 0), "valid": pieces(n_valid, 1)},
                        source={"corpus": "synthetic test patterns"})


@pytest.fixture(scope="session")
def arrays_dir(tmp_path_factory):
    return make_arrays(tmp_path_factory.mktemp("arrays"))


def make_pairs(folder, n_train: int = 60, n_valid: int = 12, stride: int = 2):
    """Random walks with holes: the source is the walk with a third of its cells masked (id 32), the target
    the walk, learned where masked. A hole is predictable from both its neighbours, so a model that reads the
    whole source beats the unigram baseline quickly."""
    from tunesmith.data.pairs import write_pairs

    def split(n, seed):
        rng = np.random.default_rng(seed + 10)
        for piece, shift, ids in pieces(n, seed):
            ids = np.array(ids[:1] + ids[1:-1][: (len(ids) - 2) // stride * stride] + ids[-1:])
            learn = np.zeros(len(ids), np.uint8)
            learn[1:-1] = rng.random(len(ids) - 2) < 0.33
            src = np.where(learn > 0, 32, ids)
            yield piece, shift, src, ids, learn

    return write_pairs(folder, StandInTokenizer(), {"train": split(n_train, 0), "valid": split(n_valid, 1)},
                       layout={"prefix": 1, "stride": stride}, task={"mix": {"holes": 1}},
                       source={"corpus": "synthetic test patterns"})


@pytest.fixture(scope="session")
def pairs_dir(tmp_path_factory):
    return make_pairs(tmp_path_factory.mktemp("pairs"))


def melodies(n: int, seed: int, bars: int = 6, meter=(4, 4)):
    """Voice-grid pieces (one voice) of `bars` bars: a scale walk in C major, in quarters and pairs of eighths,
    so that an excerpt is predictable from its first notes."""
    from tunesmith.representation.voicegrid import VoiceGridTokenizer
    from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array

    tok = VoiceGridTokenizer(voices=1)
    rng = np.random.default_rng(seed)
    scale = [60, 62, 64, 65, 67, 69, 71, 72]
    out = []
    for i in range(n):
        rows, t, at, step = [], 0, int(rng.integers(0, 8)), int(rng.choice([-1, 1]))
        while t < bars * meter[0] * 480 * 4 // meter[1]:
            for length in ([480] if rng.random() < 0.5 else [240, 240]):
                rows.append((scale[at], t, length))
                t += length
                at = min(7, max(0, at + step))
                step = -step if at in (0, 7) else step
        score = Score(tracks=(Track(note_array(rows)),), time_signatures=(TimeSignature(0, *meter),),
                      key_signatures=(KeySignature(0, 0, "major"),))
        out.append((f"m{seed}-{i}", 0, tok.encode(score)))
    return tok, out


def make_excerpts(folder, bars: int = 2, n_train: int = 40, n_valid: int = 8):
    """Voice-grid arrays of `melodies` cut into `bars`-bar excerpts (tunesmith.data.excerpts)."""
    from tunesmith.data.excerpts import write_excerpts

    tok, train = melodies(n_train, 0)
    _, valid = melodies(n_valid, 1)
    arrays = write_arrays(folder / "arrays", tok, {"train": train, "valid": valid}, source={"corpus": "scale walks"})
    return write_excerpts(arrays, folder / "excerpts", bars)


@pytest.fixture(scope="session")
def excerpts_dir(tmp_path_factory):
    return make_excerpts(tmp_path_factory.mktemp("excerpts"))
