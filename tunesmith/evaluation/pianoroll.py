"""The likelihood benchmark on piano-roll datasets (Boulanger-Lewandowski et al., ICML 2012: JSB Chorales,
Nottingham, ...): train a sequence model over frame tokens and score the frame-level NLL of held-out pieces.

A file holds `{"train": [...], "valid": [...], "test": [...]}` (test optional), each split a list of pieces,
each piece a list of time steps, each step the MIDI pitches sounding then (`.json` or `.json.gz`).

Scoring is exact: a step's pitch set is written in ascending order then `Step` (tunesmith.representation
.frame), so the set and its tokens correspond one to one and log p(set | past) is the sum of its tokens'
log-probabilities. The model's logits are masked to that canonical order (`FrameTokenizer.next_mask` with
`end=False`: a piece's length is given, as in the published protocol), so its probabilities over the pitch
sets of each step sum to one. Figures are nats per step, summed over steps and divided by their number.
First-step convention: `nll` scores every step, the first one given only BOS; `nll_skip_first` leaves the
first step of each piece out (inputs seq[:-1], targets seq[1:]), as the TCN code does.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import numpy as np

from tunesmith.errors import TunesmithError

SPLITS = ("train", "valid", "test")
# validation tokens scored at each evaluation during training, at most (Nottingham's valid split has 226k): a
# MuseData-sized split of millions of tokens would otherwise spend minutes per evaluation choosing a checkpoint
EVAL_TOKENS = 2**18


def load_pianoroll(path) -> dict[str, list[list[list[int]]]]:
    """The splits of a piano-roll file, checked: train and valid required, every pitch an int in 0..127."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    except (OSError, EOFError, ValueError) as e:  # unreadable, bad gzip, bad JSON
        raise TunesmithError(f"{path}: not a readable piano-roll JSON file ({e})") from None
    if not isinstance(data, dict) or not {"train", "valid"} <= set(data):
        raise TunesmithError(f"{path}: expected an object with 'train' and 'valid' (and optionally 'test') splits")
    out = {}
    for split in SPLITS:
        if split not in data:
            continue
        pieces = data[split]
        ok = isinstance(pieces, list) and all(
            isinstance(piece, list) and piece and all(
                isinstance(step, list) and all(isinstance(p, int) and 0 <= p <= 127 for p in step) for step in piece)
            for piece in pieces)
        if not ok or not pieces:
            raise TunesmithError(f"{path}: split {split!r} must be a non-empty list of pieces, each a non-empty "
                                 "list of steps, each a list of MIDI pitches 0..127")
        out[split] = pieces
    return out


def pitch_bounds(data: dict) -> tuple[int, int]:
    low, high = 128, -1
    for pieces in data.values():
        for piece in pieces:
            for step in piece:
                if step:
                    low, high = min(low, *step), max(high, *step)
    if high < 0:
        raise TunesmithError("the piano roll holds no notes at all")
    return low, high


def tokenizer_for(data: dict, transpose: tuple[int, int] = (0, 0)):
    """A frame tokenizer (one step per frame) whose pitch range covers the data under every transposition."""
    from tunesmith.representation.frame import FrameTokenizer

    low, high = pitch_bounds(data)
    return FrameTokenizer(steps_per_quarter=1, low=max(0, low + min(transpose[0], 0)),
                          high=min(127, high + max(transpose[1], 0)))


def piece_ids(tokenizer, piece) -> np.ndarray:
    """(N,) int64 `[BOS, body]` of one piece: the tokens that are scored, without EOS (the length is given).
    Pitches outside the tokenizer's range get ids outside its pitch tokens: pass them through `shifted`."""
    return np.concatenate([[tokenizer.vocab["BOS"]], tokenizer.frame_body(piece, in_range=False)])


def shifted(tokenizer, ids: np.ndarray, k: int) -> np.ndarray | None:
    """`ids` (from `piece_ids`) transposed by k semitones, or None if a pitch is then outside the range."""
    pitch = ids != tokenizer.step_id
    pitch[0] = False  # BOS
    first, n = tokenizer.first_pitch_id, tokenizer.pitch_range[1] - tokenizer.pitch_range[0]
    moved = ids[pitch] + k
    if len(moved) and (moved.min() < first or moved.max() > first + n):
        return None
    out = ids.copy()
    out[pitch] = moved
    return out


def write_token_arrays(data: dict, folder, transpose: tuple[int, int] = (0, 0)) -> Path:
    """Training arrays (tunesmith.data.arrays) of the frame tokens of every split; the train split also in
    every transposition of `transpose` (semitones, inclusive) that stays in the pitch range. Valid and test
    stay as they are: they are what is scored. Pieces stream to disk one at a time: hundreds of pieces of
    thousands of steps, times a dozen transpositions, never sit in memory together."""
    from tunesmith.data.arrays import write_arrays

    tok = tokenizer_for(data, transpose)
    eos = np.array([tok.vocab["EOS"]])

    def rows(split, pieces):
        shifts = range(transpose[0], transpose[1] + 1) if split == "train" else [0]
        for i, piece in enumerate(pieces):
            ids = piece_ids(tok, piece)
            for t in shifts:
                moved = shifted(tok, ids, t)
                if moved is not None:
                    yield f"{split}-{i}", t, np.concatenate([moved, eos])

    return write_arrays(folder, tok, {split: rows(split, pieces) for split, pieces in data.items()},
                        augmentation={"transpose": list(transpose), "applied_to": "train"},
                        source={"pianoroll": True})


def order_masks(tokenizer):
    """(V, V) bool torch tensor: row i = the tokens allowed after token i (canonical order, no EOS)."""
    import torch

    return torch.from_numpy(np.stack([tokenizer.next_mask(i, end=False) for i in range(len(tokenizer.vocab))]))


def step_nlls(model, tokenizer, frames, block_size: int, masks=None) -> np.ndarray:
    """(T,) NLL in nats of each step of one piece (a list of pitch sets) given all earlier steps, under the
    order mask. A piece longer than `block_size` tokens is scored in windows that overlap by half, each token
    with at least block_size / 2 tokens of context (see `context`)."""
    ids = np.concatenate([[tokenizer.vocab["BOS"]], tokenizer.frame_body(frames)])  # ValueError out of range
    return _step_nlls(model, tokenizer, ids, block_size, masks)


def _step_nlls(model, tokenizer, ids: np.ndarray, block_size: int, masks=None) -> np.ndarray:
    import torch

    masks = order_masks(tokenizer) if masks is None else masks
    ids = torch.from_numpy(ids)
    n = len(ids) - 1  # targets ids[1:]
    logp = torch.empty(n)
    done, start, stride = 0, 0, max(1, block_size // 2)
    with torch.inference_mode():
        while done < n:
            end = min(start + block_size, n)
            x = ids[start:end]
            logits = model.logits(x[None])[0].float().masked_fill(~masks[x], -math.inf)
            lp = logits.log_softmax(-1).gather(1, ids[start + 1:end + 1, None])[:, 0]
            logp[done:end] = lp[done - start:]
            done, start = end, end + stride - block_size
    # body tokens are the targets (BOS is never one); each step ends at its Step token
    nll = -logp.double().cumsum(0)
    ends = torch.nonzero(ids[1:] == tokenizer.step_id)[:, 0]
    totals = nll[ends]
    return torch.diff(totals, prepend=totals.new_zeros(1)).numpy()


def frame_nll(model, tokenizer, pieces, block_size: int, shifts=(0,), progress: bool = False) -> dict:
    """Frame-level NLL (nats per step) of `pieces`, with and without their first steps (see the module doc),
    and the context the model had (`context`).

    With several `shifts`, the model scored is the mixture over transpositions: p(x) = mean_k p(x shifted by
    shifts[k]), a proper distribution over pieces (each shift is one-to-one; a shift that leaves the pitch
    range contributes zero), whose per-step conditionals come exactly from the running log-likelihoods:
    -log p(x_t | x_<t) = -(logsumexp_k L_k(t) - logsumexp_k L_k(t-1)). A test-time ensemble, not a new model."""
    from tqdm import tqdm

    masks = order_masks(tokenizer)
    low, high = tokenizer.pitch_range
    per_piece, lengths = [], []
    for piece in tqdm(pieces, disable=not progress, desc="scoring", unit="piece", leave=False):
        ids = piece_ids(tokenizer, piece)
        lengths.append(len(ids) - 1)
        runs = []  # (K, T) cumulative log-likelihoods, one row per shift that stays in range
        for k in shifts:
            moved = shifted(tokenizer, ids, k)
            if moved is not None:
                runs.append(-np.cumsum(_step_nlls(model, tokenizer, moved, block_size, masks)))
        if not runs:
            raise TunesmithError(f"a piece has pitches outside the model's range {low}..{high} under every shift")
        mix = np.logaddexp.reduce(np.stack(runs), axis=0) - np.log(len(shifts))
        per_piece.append(-np.diff(mix, prepend=0.0))
    steps = sum(len(s) for s in per_piece)
    total = sum(float(s.sum()) for s in per_piece)
    first = sum(float(s[0]) for s in per_piece)
    return {"nll": total / steps, "nll_skip_first": (total - first) / (steps - len(per_piece)),
            "steps": steps, "pieces": len(per_piece), "context": context(lengths, steps, block_size)}


def context(lengths, steps: int, block_size: int) -> dict:
    """What the model saw. Windows overlap by half (`_step_nlls`): a piece's first block_size tokens see
    their whole past; every later token sees between block_size / 2 and block_size - 1 tokens, not its whole
    past. In steps at the split's mean tokens per step, with the share of tokens scored on a cut past."""
    lengths = np.asarray(lengths, dtype=np.int64)  # scored tokens per piece
    tokens = int(lengths.sum())
    per_step = tokens / max(steps, 1)
    half = max(1, block_size // 2)
    cut = int(np.clip(lengths - block_size, 0, None).sum())
    return {"block_tokens": block_size, "tokens_per_step": round(per_step, 2),
            "steps_seen": [round(half / per_step, 1), round((block_size - 1) / per_step, 1)],
            "longest_piece_steps": int(round(lengths.max() / per_step)) if len(lengths) else 0,
            "share_tokens_cut": round(cut / max(tokens, 1), 4)}


def score(data: dict, checkpoint, mixture_shifts=(), progress: bool = False) -> dict:
    """Frame-level NLL of a trained checkpoint on the valid and test splits of `data` (and as the mixture
    over `mixture_shifts`, if given), with the checkpoint's own tokenizer and context."""
    from tunesmith.models.checkpoint import load_model
    from tunesmith.representation.base import Tokenizer

    model, tok_dict, config = load_model(checkpoint)
    tok = Tokenizer.from_dict(tok_dict)
    block = config["run"]["train"]["block_size"]
    report = {"checkpoint": str(checkpoint), "params": model.num_params(), "best_step": config["step"], "scores": {}}
    for split in ("valid", "test"):
        if split in data:
            report["scores"][split] = frame_nll(model, tok, data[split], block, progress=progress)
            if mixture_shifts:
                report.setdefault("scores_mixture", {})[split] = frame_nll(model, tok, data[split], block,
                                                                           mixture_shifts, progress)
    if mixture_shifts:
        report["mixture_shifts"] = list(mixture_shifts)
    return report


def benchmark(path, out, preset: str = "pianoroll-transformer", overrides=(), minutes: float | None = None,
              transpose: tuple[int, int] = (-5, 6), mixture_shifts=(), progress: bool = True) -> dict:
    """Train `preset` on the frame tokens of a piano-roll file (train split, transposed) for at most `minutes`
    of training time (steps fixed from a throughput measurement) or the preset's steps, then score the best
    checkpoint on valid and test (and as the mixture over `mixture_shifts`, if given). Writes `out/result.json`."""
    import dataclasses
    import time

    from tunesmith.data.arrays import TokenArrays
    from tunesmith.training.budget import steps_for
    from tunesmith.training.config import load_preset
    from tunesmith.training.trainer import train

    out = Path(out)
    data = load_pianoroll(path)
    arrays = write_token_arrays(data, out / "arrays", transpose)
    run = load_preset(preset, [*overrides, f"data={json.dumps(str(arrays))}"])
    valid_tokens = TokenArrays.load(arrays).meta["splits"]["valid"]["tokens"]
    if not run.train.eval_tokens and valid_tokens > EVAL_TOKENS:
        # the checkpoint is chosen on the first EVAL_TOKENS valid tokens; the reported figures use all of them
        run = dataclasses.replace(run, train=dataclasses.replace(run.train, eval_tokens=EVAL_TOKENS))
    if minutes is not None:
        # steps from a throughput measurement fix the schedule; the clock stops a run that turns out slower
        steps = steps_for(run, minutes)
        run = dataclasses.replace(run, train=dataclasses.replace(run.train, max_steps=steps, max_minutes=minutes))
    t0 = time.perf_counter()
    result = train(run, out / "run", progress=progress)
    train_s = time.perf_counter() - t0
    report = {"data": str(path), "preset": preset, "overrides": list(overrides), "transpose": list(transpose),
              "model": run.to_dict()["model"], "steps": result.step, "train_minutes": round(train_s / 60, 2),
              "eval_tokens": run.train.eval_tokens or valid_tokens,
              "valid_nll_per_token": result.best_valid_nll}
    report |= score(data, out / "run" / "best", mixture_shifts, progress)
    tmp = out / ".result.json.tmp"
    tmp.write_text(json.dumps(report, indent=1))
    tmp.replace(out / "result.json")
    return report


# Published test-set figures (nats per step; /work/shared/data/pianoroll/README.md), for the table beside ours.
PUBLISHED = {
    "JSB_Chorales": [("RNN (Bai et al. 2018)", 8.91), ("LSTM (Bai et al. 2018)", 8.45), ("TCN (Bai et al. 2018)", 8.10),
                     ("NADE (Boulanger-Lewandowski et al. 2012)", 7.19), ("RNN-RBM (ibid.)", 6.27),
                     ("RNN-NADE, best (ibid.)", 5.56)],
    "Nottingham": [("RNN (Bai et al. 2018)", 4.05), ("LSTM (Bai et al. 2018)", 3.29), ("TCN (Bai et al. 2018)", 3.07),
                   ("RNN-NADE, best (Boulanger-Lewandowski et al. 2012)", 2.31)],
}
