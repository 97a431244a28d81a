"""Fixed-length excerpts for the models that read or write a whole span at once (the VAE, the GAN): windows of
N bars cut from voice-grid training arrays (tunesmith.data.arrays) at bar lines, prepared offline like them.

    meta.json       {"kind": "excerpts", "representation": ..., "vocab": [...], "layout": {"bars": N,
                     "steps_per_bar": S, "voices": V, "length": N*S*V, "meters": ["4/4", "2/2"]},
                     "splits": {"train": {"file": "train.bin", "count": K, "pieces": [...]}, ...},
                     "augmentation": ..., "source": ...}
    train.bin       uint16 (K, length): the body tokens of each excerpt (no BOS, no conditioning, no EOS)
    train.cond.bin  uint16 (K, 4): its piece's Style, Key, Meter and Tempo token ids (0 where not given)
    train.rows.bin  int32 (K, 3): where it came from: piece index in `pieces`, first bar, transposition

As MusicVAE (Roberts et al. 2018) cuts its 2- and 16-bar melodies: every window that starts on a bar line (a
one-bar hop), pieces of the given meters only (bars of one length), windows with an empty bar dropped (every
bar must start at least one note), and each window kept once per split. Bars are counted from the score's
tick 0 (a pickup sits at the end of bar 0, as the corpora store it)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from tunesmith.errors import TunesmithError

META = "meta.json"
COND = ("Style", "Key", "Meter", "Tempo")


def bar_steps(meter: str, steps_per_quarter: int) -> int:
    """Grid steps in one bar of `meter` ("6/8" with 4 steps a quarter: 12)."""
    try:
        n, d = (int(x) for x in meter.split("/"))
    except ValueError:
        raise TunesmithError(f"not a meter: {meter!r} (write it as 4/4)") from None
    steps = Fraction(4 * n, d) * steps_per_quarter
    if steps.denominator != 1 or steps <= 0:
        raise TunesmithError(f"a bar of {meter} is not a whole number of grid steps")
    return int(steps)


def excerpts_of(ids, vocab, voices: int, bars: int, steps_per_bar: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """(body windows (K, length), conditioning ids (4,), first bar of each) of one tokenized piece."""
    ids = np.asarray(ids, dtype=np.int64)
    cond = np.zeros(len(COND), np.int64)
    body_start = 1
    while body_start < len(ids) and vocab[ids[body_start]].split("_")[0] in COND:
        cond[COND.index(vocab[ids[body_start]].split("_")[0])] = ids[body_start]
        body_start += 1
    body = ids[body_start:]
    body = body[: len(body) - (len(body) and vocab[body[-1]] == "EOS")]
    bar_len = steps_per_bar * voices
    n_bars = len(body) // bar_len
    if n_bars < bars:
        return np.zeros((0, bars * bar_len), np.int64), cond, []
    grid = body[: n_bars * bar_len].reshape(n_bars, bar_len)
    onset = np.array([v.startswith("Pitch_") for v in vocab])[grid].any(axis=1)  # (n_bars,) a note begins
    firsts = [b for b in range(n_bars - bars + 1) if onset[b:b + bars].all()]
    windows = np.array([grid[b:b + bars].ravel() for b in firsts], np.int64).reshape(-1, bars * bar_len)
    return windows, cond, firsts


def write_excerpts(tokens, out, bars: int, meters=("4/4", "2/2")) -> Path:
    """Cut `bars`-bar windows from the voice-grid arrays `tokens` (pieces in `meters`, all with bars of one
    length) into an excerpt folder `out`, each split written under a temporary name, meta.json last."""
    from tunesmith.atomic import clean_stale
    from tunesmith.data.arrays import TokenArrays

    arrays = TokenArrays.load(tokens)
    rep = arrays.meta["representation"]
    if rep["name"] != "voicegrid":
        raise TunesmithError(f"{tokens}: excerpts are cut from voice-grid arrays, not {rep['name']}")
    if bars < 1:
        raise TunesmithError(f"bars must be at least 1, got {bars}")
    spq, voices = int(rep["config"]["steps_per_quarter"]), int(rep["config"]["voices"])
    lengths = {m: bar_steps(m, spq) for m in meters}
    if len(set(lengths.values())) != 1:
        raise TunesmithError(f"meters {', '.join(meters)} have bars of different lengths: {lengths}")
    steps_per_bar = next(iter(lengths.values()))
    vocab = arrays.meta["vocab"]
    wanted = {vocab.index(f"Meter_{m}") for m in meters if f"Meter_{m}" in vocab}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    layout = {"bars": bars, "steps_per_bar": steps_per_bar, "voices": voices, "length": bars * steps_per_bar * voices,
              "meters": list(meters)}
    meta = {"kind": "excerpts", "representation": rep, "vocab": vocab, "dtype": "uint16", "layout": layout,
            "splits": {}, "augmentation": arrays.meta.get("augmentation", {}),
            "source": {**arrays.meta.get("source", {}), "tokens": str(arrays.folder)}}
    for split in arrays.splits:
        info = arrays.meta["splits"][split]
        seen, body, conds, rows = set(), [], [], []
        for p, seq in enumerate(arrays.sequences(split)):
            windows, cond, firsts = excerpts_of(seq, vocab, voices, bars, steps_per_bar)
            if int(cond[COND.index("Meter")]) not in wanted:
                continue
            for w, first in zip(windows, firsts):
                key = w.astype(np.uint16).tobytes()
                if key not in seen:
                    seen.add(key)
                    body.append(w)
                    conds.append(cond)
                    rows.append((p, first, info["transpositions"][p]))
        parts = {"": np.array(body, np.uint16).reshape(-1, layout["length"]),
                 ".cond": np.array(conds, np.uint16).reshape(-1, len(COND)),
                 ".rows": np.array(rows, np.int32).reshape(-1, 3)}
        for suffix, a in parts.items():
            tmp = out / f".{split}{suffix}.bin.tmp-{os.getpid()}"
            a.tofile(tmp)
            os.replace(tmp, out / f"{split}{suffix}.bin")
        meta["splits"][split] = {"file": f"{split}.bin", "count": len(body), "pieces": info["pieces"]}
    tmp = out / f".{META}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, out / META)
    return out


@dataclass
class Excerpts:
    """An excerpt folder: `excerpts.split("train")` is a read-only (K, length) memmap of body ids."""

    folder: Path
    meta: dict

    @classmethod
    def load(cls, folder) -> Excerpts:
        folder = Path(folder)
        if not (folder / META).is_file():
            raise TunesmithError(f"{folder}: no {META}; run `tunesmith data excerpts` first")
        meta = json.loads((folder / META).read_text())
        if meta.get("kind") != "excerpts":
            raise TunesmithError(f"{folder}: not excerpts (a {meta.get('kind', 'flat')} token folder); cut them with "
                                 "`tunesmith data excerpts`")
        return cls(folder, meta)

    @property
    def vocab_size(self) -> int:
        return len(self.meta["vocab"])

    @property
    def layout(self) -> dict:
        return self.meta["layout"]

    def count(self, split: str) -> int:
        if split not in self.meta["splits"]:
            raise TunesmithError(f"no split {split!r}; have {', '.join(self.meta['splits'])}")
        return int(self.meta["splits"][split]["count"])

    def _read(self, split: str, suffix: str, dtype, width: int) -> np.ndarray:
        n = self.count(split)
        if n == 0:
            return np.zeros((0, width), dtype)
        return np.memmap(self.folder / f"{split}{suffix}.bin", dtype=dtype, mode="r", shape=(n, width))

    def split(self, split: str) -> np.ndarray:
        return self._read(split, "", np.uint16, self.layout["length"])

    def conditioning(self, split: str) -> np.ndarray:
        """(K, 4) Style, Key, Meter, Tempo ids of each excerpt's piece (0: not given)."""
        return self._read(split, ".cond", np.uint16, len(COND))

    def rows(self, split: str) -> np.ndarray:
        """(K, 3) piece index, first bar, transposition of each excerpt."""
        return self._read(split, ".rows", np.int32, 3)

    def tokenizer(self):
        from tunesmith.representation.base import Tokenizer

        return Tokenizer.from_dict(self.meta["representation"])
