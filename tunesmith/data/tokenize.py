"""Corpus -> training arrays: normalize, encode with conditioning, augment the train split by transposition."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from tunesmith.data.arrays import TokenArrays, write_arrays
from tunesmith.data.cache import Corpus, cache_root
from tunesmith.data.splits import SPLITS
from tunesmith.score.model import Score
from tunesmith.score.transforms import transpose

log = logging.getLogger(__name__)


def tokens_dir(corpus: str, representation: str, root: Path | None = None) -> Path:
    return (root or cache_root()) / "tokens" / f"{corpus}-{representation}"


def with_key(score: Score) -> Score:
    """Give a score without a key signature its estimated key, so that it can be key-conditioned."""
    if score.key_signatures:
        return score
    from tunesmith.theory.keys import estimate_key

    key = estimate_key(score)
    return score.replace(key_signatures=(key,)) if key is not None else score


def encode_piece(tokenizer, score: Score, shifts) -> list[tuple[int, list[int]]]:
    """[(shift, ids)] for each transposition that keeps every note inside the tokenizer's pitch range."""
    low, high = getattr(tokenizer, "pitch_range", (0, 127))
    base = tokenizer.normalize(with_key(score))
    out = []
    for s in shifts:
        moved, dropped = transpose(base, s, low, high) if s else (base, 0)
        if dropped == 0 and moved.note_count:
            out.append((s, list(tokenizer.encode(moved))))
    return out


_worker = {}


def _init(tokenizer_dict, folders):
    from tunesmith.representation.base import Tokenizer

    _worker["tok"] = Tokenizer.from_dict(tokenizer_dict)
    _worker["corpora"] = [Corpus.load(f) for f in folders]


def _job(args):
    ci, i, pid, shifts = args
    try:
        return pid, encode_piece(_worker["tok"], _worker["corpora"][ci].score(i), shifts), ""
    except Exception as e:  # one bad piece never stops the batch; it is reported
        return pid, [], f"{type(e).__name__}: {e}"


def tokenize(corpora: list[Corpus], tokenizer, out: Path, transpose_range=(-5, 6), workers=None,
             progress: bool = True) -> TokenArrays:
    """Write training arrays for `corpora` to `out`; the train split is augmented by every transposition in
    `transpose_range` (inclusive) that keeps notes in range, valid and test are not."""
    from multiprocessing import get_context

    from tqdm import tqdm

    lo, hi = transpose_range
    train_shifts = [0] + [s for s in range(lo, hi + 1) if s != 0]
    jobs, split_of = [], {}
    for ci, corpus in enumerate(corpora):
        for i, r in enumerate(corpus.records):
            split_of[r["id"]] = r["split"]
            jobs.append((ci, i, r["id"], train_shifts if r["split"] == "train" else [0]))
    splits = {s: [] for s in SPLITS}
    failures = []
    folders = [str(c.folder) for c in corpora]
    workers = workers or os.cpu_count() or 1
    bar = tqdm(total=len(jobs), desc=f"tokenize {tokenizer.name}", unit="piece", disable=not progress)
    if workers == 1:
        _init(tokenizer.to_dict(), folders)
        results = map(_job, jobs)
        for r in results:
            _collect(r, splits, split_of, failures)
            bar.update()
    else:
        with get_context("fork").Pool(workers, _init, (tokenizer.to_dict(), folders)) as pool:
            for r in pool.imap(_job, jobs, chunksize=16):
                _collect(r, splits, split_of, failures)
                bar.update()
    bar.close()
    aug = {"transpose": [lo, hi], "applied_to": "train"}
    src = {"corpora": [c.name for c in corpora], "failures": failures}
    write_arrays(out, tokenizer, splits, augmentation=aug, source=src)
    return TokenArrays.load(out)


def _collect(result, splits, split_of, failures):
    pid, seqs, reason = result
    if reason:
        failures.append({"id": pid, "reason": reason})
    for shift, ids in seqs:
        splits[split_of[pid]].append((pid, shift, ids))
