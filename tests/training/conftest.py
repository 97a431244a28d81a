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
