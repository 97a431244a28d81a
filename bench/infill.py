"""Infilling (issue 12): does seeing both sides help? NLL of the true span given both sides against the left
context only, on the validation chorales and folk tunes, in one run.

    python bench/infill.py                                       # shipped models, every valid chorale, 300 tunes
    python bench/infill.py --chorales harmonizer=runs/s2s/best --folk folk-infill=runs/folk/best --tunes 100

The spans are those the training pairs draw (tunesmith.data.tasks.draw_mask "infill": 1 to 4 bars of 4/4 in
whole beats, every voice or a few), drawn once per piece with a seed from its id, the same for every model.
Per corpus, nats per span token of the true span:
  both sides     the seq2seq, its source the piece with the span masked (what `tunesmith infill` runs)
  left only      the same seq2seq, its source with the span and everything after it masked (trained beside)
  decoder-only   the shipped voice-grid Transformer of the corpus, left context only (stepped as it composes)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from tunesmith.data.arrays import TokenArrays
from tunesmith.data.tasks import _rng, draw_mask, mask_sequence
from tunesmith.generation.generate import one_thread
from tunesmith.generation.given import mask_id
from tunesmith.generation.load import load
from tunesmith.training.data import resolve_data

PREFIX = 5


def spans(arrays: TokenArrays, limit: int | None, seed: int = 1):
    """(ids, learn (steps, voices), hidden-after-span (steps, voices)) per valid piece, drawn once."""
    tok = arrays.tokenizer()
    voices, spq = tok.config["voices"], tok.config["steps_per_quarter"]
    meta = arrays.meta["splits"]["valid"]
    out = []
    for ids, piece, shift in list(zip(arrays.sequences("valid"), meta["pieces"], meta["transpositions"]))[:limit]:
        steps = (len(ids) - PREFIX - 1) // voices
        if steps < 8:
            continue
        learn, _ = draw_mask("infill", steps, voices, spq, _rng(piece, shift, "bench", seed))
        left, hidden = draw_mask("infill-left", steps, voices, spq, _rng(piece, shift, "bench", seed))
        assert np.array_equal(left, learn)  # same draws: the same span
        out.append((np.asarray(ids, np.int64), learn, hidden))
    return out


def nll_conditional(loaded, ids, learn, hidden) -> tuple[float, int]:
    voices = learn.shape[1]
    src, flags = mask_sequence(ids, PREFIX, voices, learn, hidden, mask_id(loaded))
    x = torch.from_numpy(ids[None, :-1])
    with torch.inference_mode(), one_thread():
        logits = loaded.model.given(src.tolist(), mask_id(loaded))(x)[0][0]
    return _sum(logits, ids, flags)


def nll_decoder(loaded, ids, learn) -> tuple[float, int]:
    """Stepped one token at a time through the end of the span (the sliding cache the model composes with)."""
    flags = np.zeros(len(ids), np.uint8)
    flags[PREFIX:PREFIX + learn.size] = learn.ravel()
    last = int(np.flatnonzero(flags)[-1])
    x = torch.from_numpy(ids[None, :last])
    with torch.inference_mode(), one_thread():
        first, state = loaded.model.forward_incremental(x[:, :1], loaded.model.init_state(1))
        logits = [first[0, -1]]
        for t in range(1, x.size(1)):
            step, state = loaded.model.step(x[:, t], state)
            logits.append(step[0])
    return _sum(torch.stack(logits), ids[:last + 1], flags[:last + 1])


def _sum(logits, ids, flags) -> tuple[float, int]:
    logp = logits.float().log_softmax(-1)
    y = torch.from_numpy(ids[1:])
    keep = torch.from_numpy(flags[1:] > 0)
    nll = -logp[torch.arange(len(y)), y]
    return float(nll[keep].sum()), int(keep.sum())


def run(corpus: str, tokens: str, seq2seq: str, decoder: str, limit: int | None) -> dict:
    pieces = spans(TokenArrays.load(resolve_data(tokens)), limit)
    s2s, dec = load(seq2seq), load(decoder)
    totals = {"both sides": [0.0, 0], "left only": [0.0, 0], "decoder-only": [0.0, 0]}
    t0 = time.perf_counter()
    for ids, learn, hidden in pieces:
        for name, (a, b) in (("both sides", nll_conditional(s2s, ids, learn, np.zeros_like(hidden))),
                             ("left only", nll_conditional(s2s, ids, learn, hidden)),
                             ("decoder-only", nll_decoder(dec, ids, learn))):
            totals[name][0] += a
            totals[name][1] += b
    row = {k: v[0] / v[1] for k, v in totals.items()}
    return {"corpus": corpus, "pieces": len(pieces), "span_tokens": totals["both sides"][1],
            "models": {"seq2seq": str(s2s.path), "decoder": str(dec.path)}, "nll": row,
            "seconds": round(time.perf_counter() - t0, 1)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--chorales", default="harmonizer", help="the chorale seq2seq (shipped name or checkpoint)")
    p.add_argument("--folk", default="folk-infill", help="the folk seq2seq")
    p.add_argument("--tunes", type=int, default=300, help="valid folk tunes scored (the first N)")
    p.add_argument("--json", help="write the figures here")
    args = p.parse_args(argv)
    ref = lambda s: s.split("=", 1)[-1]  # noqa: E731
    results = [run("chorales", "chorales-voicegrid", ref(args.chorales), "chorales", None),
               run("folk", "folk-voices1-voicegrid", ref(args.folk), "folk", args.tunes)]
    print("| corpus | pieces | span tokens | both sides | left only (same model) | decoder-only Transformer |")
    print("|---|---|---|---|---|---|")
    for r in results:
        n = r["nll"]
        print(f"| {r['corpus']} | {r['pieces']} | {r['span_tokens']} | {n['both sides']:.4f} | {n['left only']:.4f} | "
              f"{n['decoder-only']:.4f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
