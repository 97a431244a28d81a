import subprocess
import sys

import numpy as np

from tunesmith.data.arrays import TokenArrays, write_arrays
from tunesmith.representation.base import Vocab


class Tok:
    vocab = Vocab(["PAD", "BOS", "EOS", "A", "B"])

    def to_dict(self) -> dict:
        return {"name": "stand-in", "config": {}}


def test_pieces_stream_from_an_iterable_and_read_back(tmp_path):
    rows = ((f"p{i}", 0, [1, *[3 + i % 2] * (i + 1), 2]) for i in range(5))  # a generator, consumed once
    arrays = TokenArrays.load(write_arrays(tmp_path, Tok(), {"train": rows, "valid": [("v", 0, [1, 4, 2])]}))
    assert [s.tolist() for s in arrays.sequences("train")][1] == [1, 4, 4, 2]
    assert arrays.meta["splits"]["train"]["offsets"] == [0, 3, 7, 12, 18, 25]
    assert np.array_equal(arrays.split("valid"), [1, 4, 2])


def test_a_killed_writers_temporaries_are_removed_by_the_next(tmp_path):
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()  # its PID is now no process's
    stale = [tmp_path / f".train.bin.tmp-{p.pid}", tmp_path / f".meta.json.tmp-{p.pid}"]
    for f in stale:
        f.write_bytes(b"half")
    write_arrays(tmp_path, Tok(), {"train": [("a", 0, [1, 3, 2])]})
    assert not any(f.exists() for f in stale) and (tmp_path / "train.bin").stat().st_size == 6
