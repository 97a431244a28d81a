"""The seq2seq's plateau (issue 12): the first steps of training with Luong's output layer as published,
out = tanh(W_o [h; a]) into a head tied to the embedding, against tunesmith's, tanh(LayerNorm(W_o [h; a]))
into a head of its own, and the two changes alone; the same data, seed and batches for every variant.

    python bench/seq2seq_plateau.py                     # lead sheets and chorale pairs, 300 steps
    python bench/seq2seq_plateau.py --steps 100 --data nottingham-leadsheet

Prints the mean training loss (nats per learned token) of each block of 50 steps, and the unigram of the
learned train tokens: a model on its unigram has learned nothing but the token frequencies. The model is the
shipped seq2seq's size (the accompany-seq2seq preset); AdamW at lr 3e-3, gradients clipped at 1, no warm-up.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

import numpy as np
import torch
from torch import nn

from tunesmith.data.pairs import PairArrays
from tunesmith.models.seq2seq import Seq2Seq, Seq2SeqConfig
from tunesmith.training.data import resolve_data
from tunesmith.training.pairs import PairSampler

SIZE = {"n_embd": 96, "enc_hidden": 96, "enc_layers": 1, "hidden": 192, "dec_layers": 2, "n_head": 4,
        "attn_dim": 96, "window": 261, "dropout": 0.1}
VARIANTS = {  # name: (LayerNorm before the tanh, tied head)
    "Luong (tanh, tied)": (False, True),
    "tanh, own head": (False, False),
    "LayerNorm, tied": (True, True),
    "tunesmith (LayerNorm, own head)": (True, False),
}


def unigram(pairs: PairArrays) -> float:
    _, tgt, learn, _ = pairs.arrays("train")
    counts = np.bincount(np.asarray(tgt)[np.asarray(learn) > 0], minlength=pairs.vocab_size).astype(float)
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def curve(pairs: PairArrays, norm: bool, tied: bool, steps: int, seed: int = 0) -> list[float]:
    torch.manual_seed(seed)
    model = Seq2Seq(Seq2SeqConfig(vocab_size=pairs.vocab_size, tie_embeddings=tied, **SIZE))
    if not norm:
        model.out_norm = nn.Identity()
    layout = pairs.meta["layout"]
    sampler = PairSampler(pairs.arrays("train"), int(layout["prefix"]), int(layout["stride"]), 256, 16, seed)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    losses = []
    for _ in range(steps):
        (src, x, y), _ = sampler.next()
        _, loss = model(src, x, y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return [float(np.mean(losses[i:i + 50])) for i in range(0, steps, 50)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", action="append", help="pairs folder or cache name (repeatable)")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--json", help="write the curves here")
    args = ap.parse_args()
    torch.set_num_threads(2)
    out = {}
    for name in args.data or ["nottingham-leadsheet", "chorales-voicegrid-pairs"]:
        pairs = PairArrays.load(resolve_data(name))
        u = unigram(pairs)
        print(f"{name}: unigram of the learned train tokens {u:.3f} nats; loss per 50 steps", flush=True)
        out[name] = {"unigram": u}
        for label, (norm, tied) in VARIANTS.items():
            t0 = time.perf_counter()
            c = curve(pairs, norm, tied, args.steps)
            out[name][label] = c
            print(f"  {label:34s} " + " ".join(f"{v:.3f}" for v in c) + f"   ({time.perf_counter() - t0:.0f} s)",
                  flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    if any(math.isnan(v) for d in out.values() for c in d.values() if isinstance(c, list) for v in c):
        sys.exit("a curve went NaN")


if __name__ == "__main__":
    main()
