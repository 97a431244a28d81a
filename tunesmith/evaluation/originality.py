"""Originality against a training corpus: the longest melody fragment a piece shares with any training
piece, and the share of its n-grams found in the training set -- both transposition-invariant.

A melody is the skyline of the score (`tunesmith.score.skyline`) written as tokens, one per note after the
first: (semitones from the previous note, duration rounded to a 12th of a quarter). A transposed copy has
the same tokens. The index maps every *seed* -- 4 consecutive tokens, packed exactly into one 64-bit key
(no hashing, so no collisions) -- to its global positions in the corpus, sorted by key: a plain inverted
index, saved as compressed numpy arrays plus a JSON list of piece ids (no pickle).

Matching seeds extend into runs along diagonals: if seed j of the query matches the corpus at position g,
and seed j-1 matched at g-1, the shared run grows by one token. Scanning the query once gives, at each
position, the longest run ending there, so both the longest shared run and every n-gram (n >= seed) found
in the corpus follow exactly. Copying checks of this kind follow the "originality" tests of generative
music systems, e.g. Hadjeres, Pachet & Nielsen 2017, "DeepBach", section 5 (plagiarism analysis), and
Huang et al. 2019, "Music Transformer".
"""

from __future__ import annotations

import functools
import json
import math
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.score.model import TPQ, Score
from tunesmith.score.transforms import skyline

SEED = 4  # tokens per index key: 4 x 16 bits = one uint64
NGRAM = 8  # default n of `ngram_overlap`, in tokens (an 8-token n-gram spans 9 notes)
DURATION_UNIT = TPQ // 12  # 40 ticks: 16ths and triplets are whole units
INDEX_VERSION = 2  # 2: compressed, int32 positions where they fit, a source label
READABLE = (1, 2)  # version 1 holds the same arrays (int64, uncompressed), which np.load reads alike


def melody_tokens(score: Score) -> np.ndarray:
    """(N-1,) int64 tokens of the N-note skyline melody: (interval + 128) * 256 + duration units, where
    interval is clipped to +-127 semitones and the duration (of the later note) to 255 units."""
    notes = skyline(score).tracks[0].notes
    if len(notes) < 2:
        return np.zeros(0, np.int64)
    interval = np.clip(np.diff(notes["pitch"].astype(np.int64)), -127, 127) + 128
    units = np.clip(np.rint(notes["duration"][1:] / DURATION_UNIT), 0, 255).astype(np.int64)
    return interval * 256 + units


def seed_keys(tokens: np.ndarray, seed: int = SEED) -> np.ndarray:
    """(len - seed + 1,) uint64: every window of `seed` 16-bit tokens packed into one key."""
    t = np.asarray(tokens, dtype=np.uint64)
    n = len(t) - seed + 1
    keys = np.zeros(max(n, 0), dtype=np.uint64)
    for i in range(seed if n > 0 else 0):
        keys = (keys << np.uint64(16)) | t[i:i + n]
    return keys


@dataclass(frozen=True, eq=False)
class Index:
    """Seed keys of a corpus (sorted) with their global token positions, and the pieces' token offsets."""

    ids: tuple[str, ...]
    keys: np.ndarray  # (S,) uint64, sorted
    positions: np.ndarray  # (S,) int32 or int64: position of each seed in the concatenated token stream
    offsets: np.ndarray  # (P + 1,) int32 or int64: piece i holds tokens offsets[i]:offsets[i+1]
    seed: int = SEED
    source: str = ""  # what was indexed, e.g. "chorales:train"

    def __len__(self) -> int:
        return len(self.ids)

    def save(self, folder) -> Path:
        """Write ngrams.npz (the arrays, compressed) and index.json (ids and settings) into `folder`.
        Positions are stored as int32 when they fit: half the bytes, where zlib gains little on them."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / "ngrams.npz", keys=self.keys, positions=_narrow(self.positions),
                            offsets=_narrow(self.offsets))
        meta = {"version": INDEX_VERSION, "seed": self.seed, "duration_unit": DURATION_UNIT,
                "source": self.source, "ids": list(self.ids)}
        (folder / "index.json").write_text(json.dumps(meta))
        return folder

    @classmethod
    def load(cls, folder) -> Index:
        folder = Path(folder)
        if not (folder / "index.json").is_file():
            raise TunesmithError(f"{folder}: no originality index (index.json) there")
        try:
            meta = json.loads((folder / "index.json").read_text())
            if meta.get("version") not in READABLE or meta.get("duration_unit") != DURATION_UNIT:
                raise TunesmithError(f"{folder}: index of another version; build it again")
            with np.load(folder / "ngrams.npz", allow_pickle=False) as z:
                return cls(tuple(meta["ids"]), z["keys"], z["positions"], z["offsets"], int(meta["seed"]),
                           meta.get("source", ""))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:  # truncated, missing or foreign files
            raise TunesmithError(f"{folder}: unreadable originality index ({type(e).__name__}: {e})") from None


def _narrow(a: np.ndarray) -> np.ndarray:
    """`a` as int32 when every value fits (positions of corpora under 2**31 tokens: all of ours)."""
    return a.astype(np.int32) if not len(a) or (a.min() >= 0 and a.max() < 2**31) else a


def build_index(scores: Iterable, seed: int = SEED, source: str = "") -> Index:
    """Index the melodies of `scores`: (piece_id, Score) pairs as `Corpus.scores()` yields, or bare scores
    (then numbered "0", "1", ...). `source` names what they are, e.g. "chorales:train"."""
    if not 1 <= seed <= 4:
        raise ConfigError(f"seed must be 1..4 tokens (4 x 16 bits fill a 64-bit key), not {seed}")
    ids, keys, positions, lengths = [], [], [], []
    at = 0
    for i, item in enumerate(scores):
        pid, score = item if isinstance(item, tuple) else (str(i), item)
        tokens = melody_tokens(score)
        k = seed_keys(tokens, seed)
        ids.append(str(pid))
        keys.append(k)
        positions.append(at + np.arange(len(k), dtype=np.int64))
        lengths.append(len(tokens))
        at += len(tokens)
    keys_all = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
    pos_all = np.concatenate(positions) if positions else np.zeros(0, np.int64)
    order = np.lexsort((pos_all, keys_all))
    offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
    return Index(tuple(ids), keys_all[order], pos_all[order], offsets, seed, source)


def _matches(index: Index, key: np.uint64, skip: tuple[int, int] | None) -> np.ndarray:
    lo, hi = np.searchsorted(index.keys, key, side="left"), np.searchsorted(index.keys, key, side="right")
    g = index.positions[lo:hi]  # sorted: keys tie-break on position
    return g[(g < skip[0]) | (g >= skip[1])] if skip else g


def originality(score: Score, index: Index, n: int = NGRAM, exclude: str | None = None) -> dict:
    """How much of a piece's melody is already in the indexed corpus, transposition-invariant.

    Returns
      longest_shared_run  notes of the longest melody fragment (same intervals and durations) shared
                          with one corpus piece; a copy scores its own length. Runs shorter than
                          seed + 1 = 5 notes are not searched and give 0.
      longest_match_piece id of the corpus piece holding that run (None if no run).
      ngram_overlap       share of the piece's n-token n-grams (n + 1 notes) found anywhere in the corpus:
                          1.0 for a copy, near 0 for a new melody; NaN if the melody is shorter.
      melody_notes        notes in the piece's melody.
    `exclude` leaves one corpus piece out (to check a training piece against the rest).
    """
    if n < index.seed:
        raise ConfigError(f"n must be at least the index's seed length {index.seed}, not {n}")
    tokens = melody_tokens(score)
    notes = len(tokens) + 1 if len(score.all_notes()) else 0
    skip = None
    if exclude is not None:
        if exclude not in index.ids:
            raise ConfigError(f"{exclude!r} is not in the index")
        i = index.ids.index(exclude)
        skip = (int(index.offsets[i]), int(index.offsets[i + 1]))
    keys = seed_keys(tokens, index.seed)
    best = np.zeros(len(keys), dtype=np.int64)  # longest run of matching seeds ending at each seed
    best_at = np.full(len(keys), -1, dtype=np.int64)  # a corpus position where that run ends
    prev_g, prev_run = np.zeros(0, np.int64), np.zeros(0, np.int64)
    for j, key in enumerate(keys):
        g = _matches(index, key, skip)
        run = np.ones(len(g), dtype=np.int64)
        if len(prev_g) and len(g):  # extend runs whose previous seed matched one position earlier
            k = np.clip(np.searchsorted(prev_g, g - 1), 0, len(prev_g) - 1)
            hit = prev_g[k] == g - 1
            run[hit] += prev_run[k[hit]]
        if len(g):
            a = int(run.argmax())
            best[j], best_at[j] = run[a], g[a]
        prev_g, prev_run = g, run
    longest, piece = 0, None
    if len(keys) and best.max() > 0:
        j = int(best.argmax())
        longest = int(best[j]) + index.seed  # seeds -> tokens -> notes: + (seed - 1) + 1
        piece = index.ids[int(np.searchsorted(index.offsets, best_at[j], side="right")) - 1]
    count = len(tokens) - n + 1  # n-grams in the query
    if count <= 0:
        overlap = math.nan
    else:  # the n-gram at i is found iff a run of n - seed + 1 seeds ends at seed i + n - seed
        overlap = float(np.mean(best[n - index.seed:][:count] >= n - index.seed + 1))
    return {"longest_shared_run": longest if notes else math.nan, "longest_match_piece": piece,
            "ngram_overlap": overlap if notes else math.nan, "melody_notes": notes}


# --- motif queries: where else a melody fragment occurs -----------------------------------------------------
DURATION_MASK = 0xFF  # a token's low byte: the duration units of its later note


@functools.lru_cache(maxsize=4)
def token_stream(index: Index) -> np.ndarray:
    """(offsets[-1],) int64: the corpus's melody tokens end to end, rebuilt from the index (a seed's first
    token at its position, a piece's last seed - 1 tokens from its last seed); tokens of pieces shorter
    than a seed are not in the index and stay -1. Cached per index (a few milliseconds for 13,000 tunes)."""
    s = index.seed
    stream = np.full(int(index.offsets[-1]), -1, np.int64)
    keys, pos = index.keys, index.positions.astype(np.int64)
    stream[pos] = (keys >> np.uint64(16 * (s - 1))).astype(np.int64)
    ends = index.offsets[1:].astype(np.int64)
    last = ends - s  # the last seed of each piece long enough to hold one
    has = last >= index.offsets[:-1]
    where = np.isin(pos, last[has])
    for k in range(1, s):  # token k of a piece's last seed
        stream[pos[where] + k] = ((keys[where] >> np.uint64(16 * (s - 1 - k))) & np.uint64(0xFFFF)).astype(np.int64)
    return stream


@functools.lru_cache(maxsize=4)
def _intervals(index: Index) -> np.ndarray:
    """The token stream's intervals (its high bytes) as int16: what a rhythm-free query scans."""
    return (token_stream(index) >> 8).astype(np.int16)


@functools.lru_cache(maxsize=4)
def _tails(index: Index) -> np.ndarray:
    """The last seed - 1 positions of each piece (no seed begins there), sorted."""
    tails = index.offsets[1:, None].astype(np.int64) - np.arange(index.seed - 1, 0, -1)[None, :]
    starts = np.repeat(index.offsets[:-1].astype(np.int64), index.seed - 1).reshape(tails.shape)
    return np.unique(tails[tails >= starts])


def _prefix_range(index: Index, tokens: np.ndarray, interval: int | None = None) -> np.ndarray:
    """Positions of every seed that begins with `tokens` (1..seed of them), and then, if given and there is room,
    a token of that `interval` (its high byte, any duration): a range of the sorted keys."""
    prefix, bits = 0, 0
    for t in tokens.tolist():
        prefix, bits = (prefix << 16) | t, bits + 16
    if interval is not None and bits < 16 * index.seed:
        prefix, bits = (prefix << 8) | interval, bits + 8
    shift = 16 * index.seed - bits
    lo = np.searchsorted(index.keys, np.uint64(prefix << shift), side="left")
    end = (prefix + 1) << shift  # the first key past the range: past every key if it does not fit 64 bits
    hi = len(index.keys) if end >= 1 << 64 else np.searchsorted(index.keys, np.uint64(end), side="left")
    return index.positions[lo:hi].astype(np.int64)


def occurrences(index: Index, tokens, first_units: int | None = None, free_end: bool = True,
                rhythm: bool = True) -> np.ndarray:
    """Sorted corpus positions where a melody fragment begins: `tokens` as `melody_tokens` writes them (one per
    note after the first), transposition-invariant. With `free_end` the last note may last any time; with
    `first_units` the first note's duration must match (where the piece says it: not at a piece's start);
    without `rhythm` the intervals alone must match (a scan of the whole stream, still milliseconds).
    Candidates come from the sorted seed keys (a binary search), and are checked against the token stream."""
    tokens = np.asarray(tokens, np.int64)
    n = len(tokens)
    if n < 1:
        raise ConfigError("a motif needs at least two notes")
    stream = token_stream(index)
    total = len(stream)
    exact = n - 1 if free_end else n  # tokens to match in full; the last by its interval alone
    if not rhythm:  # a scan of the intervals, one token of the motif at a time
        intervals = _intervals(index)
        hit = np.ones(max(total - n + 1, 0), np.bool_)
        for i, t in enumerate((tokens >> 8).tolist()):
            hit &= intervals[i:i + len(hit)] == t
        cand = np.flatnonzero(hit)
    else:
        head = tokens[: min(exact, index.seed)]
        if len(head):
            tails = _tails(index)  # positions no seed begins at: the last few of each piece
            after = int(tokens[len(head)] >> 8) if len(head) < n else None  # the free end's interval
            cand = np.concatenate([_prefix_range(index, head, after), tails[stream[tails] == head[0]]])
        else:  # a two-note motif with a free end: any interval-matching token
            cand = np.flatnonzero(stream >> 8 == tokens[0] >> 8)
        cand = cand[cand + n <= total]
        if len(cand):
            window = stream[cand[:, None] + np.arange(n)]  # (C, n)
            ok = (window[:, :exact] == tokens[:exact]).all(1) & (window[:, n - 1] >> 8 == tokens[n - 1] >> 8)
            cand = cand[ok]
    piece = np.searchsorted(index.offsets, cand, side="right") - 1
    cand = cand[cand + n <= index.offsets[piece + 1]]  # inside one piece
    if first_units is not None and rhythm and len(cand):
        start = index.offsets[np.searchsorted(index.offsets, cand, side="right") - 1]
        before = stream[np.maximum(cand - 1, 0)] & DURATION_MASK
        cand = cand[(cand == start) | (before == first_units)]
    return np.sort(cand)


def warm(index: Index) -> None:
    """Build what `occurrences` caches per index (the token stream, the pieces' last positions), so that the
    queries after it are the binary searches alone."""
    token_stream(index)
    _tails(index)
    _intervals(index)


def locate(index: Index, positions) -> list[tuple[str, int]]:
    """(piece id, note number in its melody from 0) of each corpus position `occurrences` returns."""
    positions = np.asarray(positions, np.int64)
    piece = np.searchsorted(index.offsets, positions, side="right") - 1
    return [(index.ids[p], int(g - index.offsets[p])) for p, g in zip(piece.tolist(), positions.tolist())]
