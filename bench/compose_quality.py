"""Are composed pieces inside the range of real ones? For key consistency (in-key rate), pitch-class entropy and
note density: the generated mean and range beside the real validation pieces' range, how many generated
pieces fall inside it on each metric, and on all three at once.

    python bench/compose_quality.py --generated FOLDER --reference chorales:valid
    python bench/compose_quality.py --model default --reference chorales:valid --pieces 20 --bars 12 \\
        --key-penalty 0,0.5,1 --hold-penalty 0,0.25,0.5 --top-p 0.95,1 --in-key

With --model, pieces are composed here as `tunesmith compose -n PIECES --bars BARS` would (seeds 0, 1, ...,
key, meter and tempo drawn by the model), once per combination of key penalty, hold penalty and top-p (and
with the strict key mask if asked): the sweep that chose the defaults of `tunesmith compose` (on the
validation split; the test split stays unseen).
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np

from tunesmith.evaluation import METRICS
from tunesmith.evaluation.report import load_set
from tunesmith.generation.compose import Request, compose
from tunesmith.generation.load import load

NAMES = ("in_key_rate", "pitch_class_entropy", "note_density")


def values(scores) -> np.ndarray:
    """(pieces, metrics) of NAMES."""
    return np.array([[METRICS[n](s) for n in NAMES] for s in scores], dtype=float)


def table(label: str, gen: np.ndarray, ref: np.ndarray) -> list[str]:
    lo, hi = np.nanmin(ref, 0), np.nanmax(ref, 0)
    inside = (gen >= lo) & (gen <= hi)  # NaN (a piece with no notes) is never inside
    rows = []
    for j, name in enumerate(NAMES):
        g, r = gen[:, j], ref[:, j]
        rows.append(f"| {label} | {name} | {np.nanmean(g):.3f} [{np.nanmin(g):.3f}, {np.nanmax(g):.3f}] | "
                    f"{np.nanmean(r):.3f} [{lo[j]:.3f}, {hi[j]:.3f}] | {int(inside[:, j].sum())}/{len(g)} |")
    rows.append(f"| {label} | all three | | | **{int(inside.all(1).sum())}/{len(gen)}** |")
    return rows


def floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference", required=True, help="real pieces: CORPUS:valid, a folder or a file")
    ap.add_argument("--generated", help="a folder of composed pieces")
    ap.add_argument("--model", help="compose with this model instead (shipped name or checkpoint folder)")
    ap.add_argument("--pieces", type=int, default=20)
    ap.add_argument("--bars", type=int, default=12)
    ap.add_argument("--key-penalty", default="", help="comma-separated nats to sweep, e.g. 0,0.5,1 (default: "
                    "the model's tuned value)")
    ap.add_argument("--hold-penalty", default="", help="comma-separated nats, e.g. 0,0.25,0.5 (default: tuned)")
    ap.add_argument("--top-p", default="", help="comma-separated nucleus masses, e.g. 0.95,1 (default: tuned)")
    ap.add_argument("--in-key", action="store_true", help="also the strict key mask")
    args = ap.parse_args()
    if not args.generated and not args.model:
        ap.error("give --generated FOLDER or --model NAME")
    ref = values(load_set(args.reference))
    print(f"against {args.reference} ({len(ref)} pieces)\n")
    print("| pieces | metric | generated mean [min, max] | real mean [min, max] | generated inside the real range |")
    print("|---|---|---|---|---|")
    if args.generated:
        print("\n".join(table(args.generated, values(load_set(args.generated)), ref)), flush=True)
    if args.model:
        keys, holds, tops = (floats(x) or [None] for x in (args.key_penalty, args.hold_penalty, args.top_p))
        grid = [(k, h, p) for p in tops for h in holds for k in keys]
        if args.in_key:
            grid += [("strict", h, p) for p in tops for h in holds]
        model = load(args.model)
        for k, h, p in grid:
            key = {"in_key": True} if k == "strict" else {"key_penalty": k}
            req = model.request(Request(bars=args.bars, hold_penalty=h, top_p=p, **key))  # as the CLI fills it
            scores = [compose(model.model, model.tokenizer, dataclasses.replace(req, seed=seed))[0]
                      for seed in range(args.pieces)]
            label = (f"key {'mask' if k == 'strict' else f'{req.key_penalty:g}'}, "
                     f"hold {req.hold_penalty:g}, top-p {req.top_p:g}")
            print("\n".join(table(label, values(scores), ref)), flush=True)


if __name__ == "__main__":
    main()
