"""Restyling (issue 12): are the results in the target style, with the melody kept? In one run:

    python bench/restyle.py                         # 30 valid Irish tunes -> bach, 30 valid chorales -> irish
    python bench/restyle.py --pieces 10 --json out/restyle.json

The style check is the metrics classifier of `tunesmith evaluate` (a logistic regression on its scalar metrics,
tunesmith.evaluation.compare.fit_classifier) trained on the *train* splits to tell Bach's chorales from
O'Neill's Irish tunes, then asked of each restyled piece: the share it puts in the target style. Two views:
  score   every track: for bach the four parts; for irish the tune with its chords and bass, the reference
          Irish tunes given the same accompanist's chords and bass (the corpora hold tunes alone)
  melody  the top line only, against Bach's soprano lines and the Irish tunes: does the melody itself now move
          like the target style's?
Beside each, the same classifier on the *unchanged* sources (where they started) and on real valid pieces of the
target style. "melody kept": the share of the source melody's beat notes found on their beat in the result.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from tunesmith.data.cache import Corpus, corpus_dir
from tunesmith.evaluation import METRICS
from tunesmith.evaluation.compare import fit_classifier, values
from tunesmith.generation.accompany import accompany
from tunesmith.generation.load import load
from tunesmith.generation.request import Request
from tunesmith.generation.restyle import restyle


def vectors(scores) -> np.ndarray:
    v = values(scores, METRICS)
    return np.stack([v[k] for k in METRICS], axis=1)


def top(score):
    return score.replace(tracks=score.tracks[:1], chords=())


def sample(corpus: str, split: str, n: int, voices: int | None = None):
    c = Corpus.load(corpus_dir(corpus))
    idx = [i for i in c.indices(split) if voices is None or sum(1 for t in c.score(i).tracks if len(t)) == voices]
    step = max(1, len(idx) // n)
    return [c.score(i) for i in idx[::step][:n]]


def run(pieces: int, train_n: int) -> dict:
    harmonizer, folk, accompanist = load("harmonizer"), load("folk-infill"), load("accompanist")
    bach_train, irish_train = sample("chorales", "train", train_n, 4), sample("oneills", "train", train_n)
    bach_valid, irish_valid = sample("chorales", "valid", pieces, 4), sample("oneills", "valid", pieces)
    t0 = time.perf_counter()
    acc_irish = [accompany(accompanist, s, "folk", Request(seed=0))[0] for s in irish_train]
    score_clf = fit_classifier(vectors(bach_train), vectors(acc_irish))  # P(bach), whole scores
    melody_clf = fit_classifier(vectors([top(s) for s in bach_train]), vectors(irish_train))  # P(bach), top lines
    out = {"pieces": pieces, "train_pieces": train_n, "directions": {}}
    for to, sources, real in (("bach", irish_valid, bach_valid), ("irish", bach_valid, irish_valid)):
        made, kept = [], []
        for i, s in enumerate(sources):
            model = harmonizer if to == "bach" else folk
            r, info = restyle(model, s, to, Request(seed=i), None if to == "bach" else accompanist)
            made.append(r)
            kept.append(info["melody_kept"])
        sign = (lambda p: p > 0.5) if to == "bach" else (lambda p: p < 0.5)
        real_scores = real if to == "bach" else [accompany(accompanist, s, "folk", Request(seed=0))[0] for s in real]
        row = {"melody_kept": float(np.nanmean(kept))}
        for view, clf, f in (("score", score_clf, lambda x: x), ("melody", melody_clf, top)):
            row[view] = {"restyled": float(np.mean(sign(clf(vectors([f(x) for x in made]))))),
                         "sources unchanged": float(np.mean(sign(clf(vectors([f(x) for x in sources]))))),
                         f"real {to}": float(np.mean(sign(clf(vectors([f(x) for x in real_scores])))))}
        out["directions"][to] = row
        print(json.dumps({to: row}), flush=True)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pieces", type=int, default=30, help="restyled pieces per direction (valid split)")
    p.add_argument("--train", type=int, default=120, help="train pieces per style for the classifier")
    p.add_argument("--json")
    args = p.parse_args(argv)
    r = run(args.pieces, args.train)
    print("| to | melody kept | in target style: restyled | sources unchanged | real target pieces |")
    print("|---|---|---|---|---|")
    for to, row in r["directions"].items():
        for view in ("score", "melody"):
            v = row[view]
            print(f"| {to} ({view}) | {row['melody_kept']:.3f} | {v['restyled']:.2f} | {v['sources unchanged']:.2f} | "
                  f"{v[f'real {to}']:.2f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
