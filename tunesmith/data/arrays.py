"""Training arrays: one flat memory-mapped array of token ids per split plus a JSON of metadata.

Layout of a folder (nanoGPT's `train.bin`, with the piece boundaries kept):
    meta.json     {"representation": tokenizer.to_dict(), "vocab": [...], "dtype": "uint16",
                   "splits": {"train": {"file": "train.bin", "tokens": N, "offsets": [0, ..., N],
                                        "pieces": [...], "transpositions": [...]}, ...},
                   "augmentation": {...}, "source": {...}}
    train.bin     uint16 ids, sequences back to back, each [BOS, conditioning..., body..., EOS]
    valid.bin, test.bin
Training reads only this folder.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tunesmith.errors import TunesmithError

META = "meta.json"


def write_arrays(folder, tokenizer, splits: dict, augmentation: dict | None = None, source: dict | None = None):
    """Write `splits = {name: [(piece_id, transposition, ids), ...]}` to `folder`, atomically per file. Each
    split may be any iterable, consumed once: pieces go to disk as they come, so a generator keeps only one
    piece in memory however large the corpus (the piano-roll benchmark transposes hundreds of long pieces)."""
    from tunesmith.atomic import clean_stale

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    clean_stale(folder)
    if len(tokenizer.vocab) > np.iinfo(np.uint16).max:
        raise TunesmithError("vocabulary too large for uint16 arrays")
    meta = {
        "representation": tokenizer.to_dict(),
        "vocab": list(tokenizer.vocab.names),
        "dtype": "uint16",
        "splits": {},
        "augmentation": augmentation or {},
        "source": source or {},
    }
    for name, seqs in splits.items():
        offsets, pieces, transpositions = [0], [], []
        tmp = folder / f".{name}.bin.tmp-{os.getpid()}"  # a killed writer's is removed by the next (clean_stale)
        with open(tmp, "wb") as f:
            for piece, transposition, ids in seqs:
                np.asarray(ids, dtype=np.uint16).tofile(f)
                offsets.append(offsets[-1] + len(ids))
                pieces.append(piece)
                transpositions.append(transposition)
        os.replace(tmp, folder / f"{name}.bin")
        meta["splits"][name] = {"file": f"{name}.bin", "tokens": offsets[-1], "offsets": offsets,
                                "pieces": pieces, "transpositions": transpositions}
    tmp = folder / f".{META}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, folder / META)  # meta last: a folder with meta.json is complete
    return folder


@dataclass
class TokenArrays:
    """A tokenized corpus on disk: `arrays.split("train")` is a read-only memmap of uint16 ids."""

    folder: Path
    meta: dict

    @classmethod
    def load(cls, folder) -> TokenArrays:
        folder = Path(folder)
        if not (folder / META).is_file():
            raise TunesmithError(f"{folder}: no {META}; run `tunesmith data tokenize` first")
        return cls(folder, json.loads((folder / META).read_text()))

    @property
    def vocab_size(self) -> int:
        return len(self.meta["vocab"])

    @property
    def splits(self) -> list[str]:
        return list(self.meta["splits"])

    def split(self, name: str) -> np.ndarray:
        info = self.meta["splits"].get(name)
        if info is None:
            raise TunesmithError(f"no split {name!r}; have {', '.join(self.splits)}")
        if info["tokens"] == 0:
            return np.zeros(0, dtype=np.uint16)
        return np.memmap(self.folder / info["file"], dtype=np.uint16, mode="r", shape=(info["tokens"],))

    def sequences(self, name: str):
        """Each piece's ids of a split, in order."""
        data, off = self.split(name), self.meta["splits"][name]["offsets"]
        return [data[a:b] for a, b in zip(off[:-1], off[1:])]

    def tokenizer(self):
        from tunesmith.representation.base import Tokenizer

        return Tokenizer.from_dict(self.meta["representation"])
