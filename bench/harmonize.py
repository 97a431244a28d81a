"""Harmonization (issue 12): the shipped harmonizer (seq2seq) against the chorale Transformer constrained to keep
the soprano, on Bach's validation chorales, in one run.

    python bench/harmonize.py                                   # both models, every valid chorale, seed 0
    python bench/harmonize.py --models harmonizer=runs/s2s/best,chorales --seeds 0,1 --json out/harm.json

Per model:
  NLL      nats per lower-voice token (alto, tenor, bass cells of the voice grid) of Bach's own alto, tenor and
           bass given his soprano: the seq2seq reads the whole soprano (its source) and the grid so far; the
           Transformer the grid so far only (soprano included), stepped one token at a time with the sliding
           cache it composes with. Same tokens, same positions: comparable nats.
  figures  per piece, Bach's soprano harmonized (seed s, the same Request for both models), against Bach's own
           four parts: parallel fifths + octaves, voice crossing rate, upper-voice spacing violations, notes out
           of SATB range (tunesmith.evaluation.voice_leading); and the chord on each beat (tunesmith.theory.harmony:
           root and quality) equal to the chord on the same beat of Bach's harmonization.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

from tunesmith.data.cache import Corpus, corpus_dir
from tunesmith.data.tokenize import with_key
from tunesmith.evaluation.voice_leading import (
    out_of_range_notes,
    parallel_fifths,
    parallel_octaves,
    spacing_violations,
    voice_crossing_rate,
)
from tunesmith.generation.harmonize import harmonize
from tunesmith.generation.load import load
from tunesmith.generation.request import Request
from tunesmith.theory.harmony import harmonize as chords_of
from tunesmith.theory.meter import beat_starts

# the shipped chorale model's tuned settings (its config.json "compose"), for both models alike
SETTINGS = {"key_penalty": 0.5, "hold_penalty": 0.25, "barline_penalty": 0.5, "top_p": 1.0}
FIGURES = {
    "parallels": lambda s: parallel_fifths(s) + parallel_octaves(s),
    "crossing_rate": voice_crossing_rate,
    "spacing": spacing_violations,
    "out_of_range": out_of_range_notes,
}


def valid_chorales():
    """(id, score) of every four-part chorale of the validation split, with its key."""
    corpus = Corpus.load(corpus_dir("chorales"))
    return [(pid, with_key(s)) for pid, s in corpus.scores("valid") if sum(1 for t in s.tracks if len(t)) == 4]


def lower_voice_nll(loaded, score) -> tuple[float, int]:
    """(sum of NLL in nats, number of alto/tenor/bass tokens) of Bach's lower voices given his soprano."""
    from tunesmith.generation.generate import one_thread
    from tunesmith.generation.given import mask_id, source_ids

    tok = loaded.tokenizer
    ids = tok.encode(score)
    prefix, voices = 5, tok.config["voices"]
    body = np.asarray(ids[prefix:-1]).reshape(-1, voices)
    lower = np.zeros(len(ids), bool)
    lower[prefix:-1] = np.tile(np.arange(voices) > 0, len(body))
    x = torch.tensor([ids[:-1]])
    with torch.inference_mode(), one_thread():
        if loaded.model.data_kind == "conditional":
            masked = np.zeros_like(body, bool)
            masked[:, 1:] = True
            src = source_ids(ids[:prefix], body, masked, mask_id(loaded), ids[-1])
            logits = loaded.model.given(src, len(tok.vocab))(x)[0][0]
        else:  # one token at a time: the window the Transformer composes with
            state = loaded.model.init_state(1)
            logits, state = loaded.model.forward_incremental(x[:, :1], state)
            rows = [logits[0, -1]]
            for t in range(1, x.size(1)):
                step, state = loaded.model.step(x[:, t], state)
                rows.append(step[0])
            logits = torch.stack(rows)
    logp = logits.float().log_softmax(-1)
    y = torch.tensor(ids[1:])
    nll = -logp[torch.arange(len(y)), y]
    keep = torch.from_numpy(lower[1:])
    return float(nll[keep].sum()), int(keep.sum())


def chord_match(made, bach) -> float:
    """Share of Bach's beats (those with a chord) where `made` has the chord of the same root and quality."""
    edges = np.append(beat_starts(bach), bach.end)
    a, b = chords_of(made, edges), chords_of(bach, edges)
    pairs = [(x.chord, y.chord) for x, y in zip(a, b) if y.chord is not None]
    if not pairs:
        return math.nan
    return float(np.mean([x is not None and (x.root, x.quality) == (y.root, y.quality) for x, y in pairs]))


def figures(score) -> dict:
    return {k: float(f(score)) for k, f in FIGURES.items()}


def run(models: dict, seeds, limit: int | None = None) -> dict:
    pieces = valid_chorales()[:limit]
    out = {"pieces": len(pieces), "seeds": list(seeds), "settings": SETTINGS, "models": {}}
    bach = [figures(s) for _, s in pieces]
    out["bach"] = {k: float(np.nanmean([f[k] for f in bach])) for k in FIGURES}
    for name, ref in models.items():
        loaded = load(ref)
        total = count = 0
        t0 = time.perf_counter()
        for _, s in pieces:
            a, b = lower_voice_nll(loaded, s)
            total, count = total + a, count + b
        row = {"path": str(loaded.path), "nll": total / count, "nll_tokens": count,
               "nll_seconds": round(time.perf_counter() - t0, 1)}
        per_piece, matches, seconds = [], [], []
        for seed in seeds:
            for _, s in pieces:
                melody = s.replace(tracks=s.tracks[:1])
                t = time.perf_counter()
                made, _, _ = harmonize(loaded, melody, Request(seed=seed, **SETTINGS))
                seconds.append(time.perf_counter() - t)
                per_piece.append(figures(made))
                matches.append(chord_match(made, s))
        row |= {k: float(np.nanmean([f[k] for f in per_piece])) for k in FIGURES}
        row["chord_match"] = float(np.nanmean(matches))
        row["seconds_per_piece"] = float(np.mean(seconds))
        out["models"][name] = row
        print(json.dumps({name: row}), flush=True)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default="harmonizer,chorales",
                   help="NAME or LABEL=PATH, comma-separated (shipped names or checkpoint folders)")
    p.add_argument("--seeds", default="0")
    p.add_argument("--limit", type=int, help="only the first N chorales")
    p.add_argument("--json", help="write the figures here")
    args = p.parse_args(argv)
    models = dict(m.split("=", 1) if "=" in m else (m, m) for m in args.models.split(","))
    result = run(models, [int(s) for s in args.seeds.split(",")], args.limit)
    rows = ["| | NLL lower voices (nats/token) | parallels | crossing rate | spacing | out of range | chord match |",
            "|---|---|---|---|---|---|---|"]
    b = result["bach"]
    rows.append(f"| Bach | | {b['parallels']:.2f} | {b['crossing_rate']:.3f} | {b['spacing']:.2f} | "
                f"{b['out_of_range']:.2f} | 1 |")
    for name, r in result["models"].items():
        rows.append(f"| {name} | {r['nll']:.4f} | {r['parallels']:.2f} | {r['crossing_rate']:.3f} | "
                    f"{r['spacing']:.2f} | {r['out_of_range']:.2f} | {r['chord_match']:.3f} |")
    print("\n".join(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
