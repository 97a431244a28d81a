"""Source/target pairs for conditional models, prepared offline like the flat arrays (tunesmith.data.arrays):
per split, the sources and the targets back to back, *aligned*: position i of a source is the cell of position i
of its target (a voice grid), the cells the model must write replaced by the `Mask` token; and which target
tokens are learned (the masked cells).

    meta.json        {"kind": "pairs", "representation": tokenizer.to_dict(), "vocab": [..., "Mask"],
                      "layout": {"prefix": P, "stride": K}, "task": {...}, "splits": {"train": {"tokens": N,
                      "offsets": [0, ..., N], "pieces": [...], "transpositions": [...]}, ...},
                      "augmentation": {...}, "source": {...}}
    train.src.bin    uint16 sources       [BOS, cond..., cells..., EOS] with Mask where the model writes
    train.tgt.bin    uint16 targets       the same sequences as the tokenizer wrote them
    train.learn.bin  uint8  1 where a target token is learned (a masked cell), else 0

`layout` says how a sequence is cut into grid steps (P prefix tokens, then K tokens a step), so that a
sampler can crop a window of whole steps from a source and its target alike.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tunesmith.errors import TunesmithError

META = "meta.json"
MASK = "Mask"


def write_pairs(folder, tokenizer, splits: dict, layout: dict, task: dict, augmentation: dict | None = None,
                source: dict | None = None) -> Path:
    """Write `splits = {name: iterable of (piece_id, transposition, src, tgt, learn)}` to `folder`; `src` uses
    the tokenizer's vocabulary plus MASK (the last id). Each split file is renamed into place when complete,
    meta.json last."""
    from tunesmith.atomic import clean_stale

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    clean_stale(folder)
    vocab = [*tokenizer.vocab.names, MASK]
    meta = {"kind": "pairs", "representation": tokenizer.to_dict(), "vocab": vocab, "dtype": "uint16",
            "layout": layout, "task": task, "splits": {}, "augmentation": augmentation or {}, "source": source or {}}
    for name, pairs in splits.items():
        offsets, pieces, shifts = [0], [], []
        tmps = {part: folder / f".{name}.{part}.bin.tmp-{os.getpid()}" for part in ("src", "tgt", "learn")}
        files = {part: open(path, "wb") for part, path in tmps.items()}
        try:
            for piece, shift, src, tgt, learn in pairs:
                if not len(src) == len(tgt) == len(learn):
                    raise TunesmithError(f"{piece}: source, target and learned mask differ in length")
                np.asarray(src, dtype=np.uint16).tofile(files["src"])
                np.asarray(tgt, dtype=np.uint16).tofile(files["tgt"])
                np.asarray(learn, dtype=np.uint8).tofile(files["learn"])
                offsets.append(offsets[-1] + len(tgt))
                pieces.append(piece)
                shifts.append(shift)
        finally:
            for f in files.values():
                f.close()
        for part, tmp in tmps.items():
            os.replace(tmp, folder / f"{name}.{part}.bin")
        meta["splits"][name] = {"tokens": offsets[-1], "offsets": offsets, "pieces": pieces, "transpositions": shifts}
    tmp = folder / f".{META}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, folder / META)
    return folder


@dataclass
class PairArrays:
    """Prepared pairs on disk: `pairs.pair("train", i)` is (src, tgt, learn) of the i-th pair of a split."""

    folder: Path
    meta: dict

    @classmethod
    def load(cls, folder) -> PairArrays:
        folder = Path(folder)
        if not (folder / META).is_file():
            raise TunesmithError(f"{folder}: no {META}; prepare pairs first (tunesmith data pairs)")
        meta = json.loads((folder / META).read_text())
        if meta.get("kind") != "pairs":
            raise TunesmithError(f"{folder}: flat training arrays, not source/target pairs: a conditional model "
                                 "trains on pairs (tunesmith data pairs)")
        return cls(folder, meta)

    @property
    def vocab_size(self) -> int:
        return len(self.meta["vocab"])

    def __len__(self) -> int:
        return sum(len(s["pieces"]) for s in self.meta["splits"].values())

    def count(self, split: str) -> int:
        return len(self._info(split)["pieces"])

    def _info(self, split: str) -> dict:
        info = self.meta["splits"].get(split)
        if info is None:
            raise TunesmithError(f"no split {split!r}; have {', '.join(self.meta['splits'])}")
        return info

    def arrays(self, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(src, tgt, learn, offsets) of a split: read-only memmaps and the (n + 1,) offsets."""
        info = self._info(split)
        n = info["tokens"]
        if n == 0:
            empty = np.zeros(0, np.uint16)
            return empty, empty, np.zeros(0, np.uint8), np.asarray(info["offsets"], np.int64)
        part = lambda p, dt: np.memmap(self.folder / f"{split}.{p}.bin", dtype=dt, mode="r", shape=(n,))  # noqa: E731
        return (part("src", np.uint16), part("tgt", np.uint16), part("learn", np.uint8),
                np.asarray(info["offsets"], np.int64))

    def tokenizer(self):
        from tunesmith.representation.base import Tokenizer

        return Tokenizer.from_dict(self.meta["representation"])
