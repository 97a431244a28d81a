"""Accompaniment (issue 12): chord accuracy per beat against the Nottingham tunes' own chords on their valid
split (kept out of training: the model learns from the train split, tunesmith/data/nottingham/), beside a
baseline, in one run.

    python bench/accompany.py --rolls ../shared/data/pianoroll/Nottingham.json.gz [--model accompanist]

Melody and chords are separated as for training (tunesmith.data.nottingham: the top note is the melody, the
notes under it the chord, named in its family: maj, min, 7, dim). The rolls carry no meter, so a beat is a
quarter note (every second eighth); a beat counts where Nottingham has a chord there (N.C. beats left out).
A chord is right when its root and family equal Nottingham's.

  model      the accompanist reading the whole melody, its chord cells drawn under the rules `tunesmith
             accompany` uses (a chord only on a beat, none stopping once the first has begun; no key restriction,
             no forced ending), three ways:
             consensus  what `accompany` does: 16 samples (seed 0), on each beat the chord most of them chose
             sample     one sample (seed 0, temperature 1)
             greedy     the likeliest cell each step (top-k 1)
  baseline   per beat, the chord (of the 48) whose tones cover most of the beat's melody (eighths weighted
             alike); ties go to the previous beat's chord, then to chords inside the key (C major or minor),
             then to triads over sevenths, then to the root nearest the tonic on the circle of fifths
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from tunesmith.data import nottingham
from tunesmith.data.leadsheet import FAMILIES, TONES
from tunesmith.generation.accompany import VOTES, ChordRules, choose_chords
from tunesmith.generation.given import decoder
from tunesmith.generation.load import load
from tunesmith.generation.request import Request
from tunesmith.theory.scales import key_pitch_classes

CANDIDATES = [(r, f) for f in FAMILIES for r in range(12)]


def rank(chord, pcs, previous, key) -> tuple:
    """Sort key of a candidate chord for a beat's melody pitch classes `pcs` (smallest first)."""
    root, fam = chord
    tones = {(root + t) % 12 for t in TONES[fam]}
    cover = sum(p in tones for p in pcs)
    fifths = min((root * 7) % 12, 12 - (root * 7) % 12)
    return (-cover, chord != previous, not tones <= key, FAMILIES.index(fam), fifths)


def baseline(melody: np.ndarray, mode: int) -> list[tuple[int, str] | None]:
    """The cover baseline's chord for every step (constant over each beat of two eighths)."""
    key = key_pitch_classes(0, "minor" if mode else "major")
    out, previous = [], None
    for b in range(0, len(melody), 2):
        pcs = [int(p) % 12 for p in melody[b:b + 2] if p >= 0]
        choice = min(CANDIDATES, key=lambda c: rank(c, pcs, previous, key)) if pcs else previous
        previous = choice
        out += [choice] * len(melody[b:b + 2])
    return out


WAYS = {"consensus": (VOTES, Request()), "sample": (1, Request()), "greedy": (1, Request(top_k=1))}


def predict(loaded, melody: np.ndarray, mode: int, way: str) -> list[tuple[int, str] | None]:
    tok = loaded.tokenizer
    vocab = loaded.config["vocab"]
    src, tgt, _ = nottingham.sequence(tok, melody, [None] * len(melody), mode)
    cells = np.asarray(tgt[5:-1]).reshape(-1, 2)[:, 0]
    votes, request = WAYS[way]
    rules = ChordRules(tok, len(vocab) - 1, cells, set(range(0, len(cells), 2)), (0, "minor" if mode else "major"),
                       False, 0.0, None, batch=votes)
    return choose_chords(decoder(loaded, src), tgt[:5], vocab.index("EOS"), rules, loaded.request(request).resolved())


def run(rolls: str, model: str, limit: int | None = None) -> dict:
    derived = nottingham.derive(rolls, "valid")
    loaded = load(model)
    right = {**dict.fromkeys(WAYS, 0), "baseline": 0}
    beats = 0
    t0 = time.perf_counter()
    for _, melody, labels, mode in list(nottingham.pieces(derived))[:limit]:
        guesses = {**{w: predict(loaded, melody, mode, w) for w in WAYS}, "baseline": baseline(melody, mode)}
        for b in range(0, len(melody), 2):
            if labels[b] is None:
                continue
            beats += 1
            for name, g in guesses.items():
                right[name] += g[b] == labels[b]
    return {"pieces": min(limit or 10**9, len(derived["offsets"]) - 1), "beats": beats, "model": str(loaded.path),
            "accuracy": {k: v / beats for k, v in right.items()}, "counts": derived["counts"],
            "seconds": round(time.perf_counter() - t0, 1)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rolls", default="../shared/data/pianoroll/Nottingham.json.gz")
    p.add_argument("--model", default="accompanist")
    p.add_argument("--limit", type=int, help="only the first N valid tunes")
    p.add_argument("--json")
    args = p.parse_args(argv)
    r = run(args.rolls, args.model, args.limit)
    a = r["accuracy"]
    print(f"{r['pieces']} tunes, {r['beats']} beats with a chord: " + ", ".join(f"{k} {v:.3f}" for k, v in a.items()))
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
