"""Are composed pieces inside the range of real ones? For key consistency (in-key rate), pitch-class entropy and
note density: the generated mean and range beside the real validation pieces' range, and how many generated
pieces fall inside it.

    python bench/compose_quality.py GENERATED_FOLDER CORPUS:valid
"""

import argparse

import numpy as np

from tunesmith.evaluation import METRICS
from tunesmith.evaluation.report import load_set

NAMES = ("in_key_rate", "pitch_class_entropy", "note_density")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("generated")
    ap.add_argument("reference")
    args = ap.parse_args()
    gen, ref = load_set(args.generated), load_set(args.reference)
    print(f"{args.generated} ({len(gen)} pieces) against {args.reference} ({len(ref)} pieces)\n")
    print("| metric | generated mean [min, max] | real mean [min, max] | generated inside the real range |")
    print("|---|---|---|---|")
    for name in NAMES:
        g = np.array([METRICS[name](s) for s in gen])
        r = np.array([METRICS[name](s) for s in ref])
        g, r = g[np.isfinite(g)], r[np.isfinite(r)]
        inside = int(((g >= r.min()) & (g <= r.max())).sum())
        print(f"| {name} | {g.mean():.3f} [{g.min():.3f}, {g.max():.3f}] | {r.mean():.3f} [{r.min():.3f}, "
              f"{r.max():.3f}] | {inside}/{len(g)} |")


if __name__ == "__main__":
    main()
