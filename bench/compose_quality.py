"""Are composed pieces inside the range of real ones? For key consistency (in-key rate), pitch-class entropy and
note density: the generated mean and range beside the real validation pieces' range, how many generated
pieces fall inside it on each metric, and on all three at once.

    python bench/compose_quality.py --generated FOLDER --reference chorales:valid
    python bench/compose_quality.py --model default --reference chorales:valid --pieces 20 --bars 12 \\
        --key-penalty 0,0.5,1,1.5,2 --in-key

With --model, pieces are composed here as `tunesmith compose -n PIECES --bars BARS` would (seeds 0, 1, ...,
key, meter and tempo drawn by the model), once per key penalty, and once with the strict key mask if asked:
a sweep that chooses the default soft key (tuned on the validation split; the test split stays unseen).
"""

from __future__ import annotations

import argparse

import numpy as np

from tunesmith.evaluation import METRICS
from tunesmith.evaluation.report import load_set

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


def composed(model: str, pieces: int, bars: int, **request) -> list:
    from tunesmith.generation.compose import Request, compose
    from tunesmith.generation.load import load

    loaded = load(model)
    return [compose(loaded.model, loaded.tokenizer, Request(bars=bars, seed=seed, **request))[0]
            for seed in range(pieces)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference", required=True, help="real pieces: CORPUS:valid, a folder or a file")
    ap.add_argument("--generated", help="a folder of composed pieces")
    ap.add_argument("--model", help="compose with this model instead (shipped name or checkpoint folder)")
    ap.add_argument("--pieces", type=int, default=20)
    ap.add_argument("--bars", type=int, default=12)
    ap.add_argument("--key-penalty", default="", help="comma-separated nats to sweep, e.g. 0,0.5,1,2")
    ap.add_argument("--in-key", action="store_true", help="also the strict key mask")
    args = ap.parse_args()
    if not args.generated and not args.model:
        ap.error("give --generated FOLDER or --model NAME")
    ref = values(load_set(args.reference))
    runs = []
    if args.generated:
        runs.append((args.generated, values(load_set(args.generated))))
    if args.model:
        for nats in [float(x) for x in args.key_penalty.split(",") if x]:
            scores = composed(args.model, args.pieces, args.bars, key_penalty=nats)
            runs.append((f"key penalty {nats:g}", values(scores)))
        if args.in_key:
            runs.append(("strict key mask", values(composed(args.model, args.pieces, args.bars, in_key=True))))
    print(f"against {args.reference} ({len(ref)} pieces)\n")
    print("| pieces | metric | generated mean [min, max] | real mean [min, max] | generated inside the real range |")
    print("|---|---|---|---|---|")
    for label, gen in runs:
        print("\n".join(table(label, gen, ref)), flush=True)


if __name__ == "__main__":
    main()
