"""`tunesmith bench pianoroll --data FILE`: the likelihood benchmark on a piano-roll dataset."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith bench pianoroll --data JSB_Chorales.json.gz --budget-minutes 30
  tunesmith bench pianoroll --data Nottingham.json.gz --model pianoroll-lstm --budget-minutes 10
  tunesmith bench pianoroll --data my.json --set model.n_layer=6 --set train.max_steps=500
  tunesmith bench pianoroll --data JSB_Chorales.json.gz --checkpoint runs/pianoroll-JSB_Chorales/run/best \
      --mixture=-3:3          score a trained model again, also as its mixture over 7 transpositions

FILE holds {"train": [...], "valid": [...], "test": [...]} (test optional): pieces as lists of time steps,
each step the MIDI pitches sounding. Scores are frame-level NLL in nats per step, lower is better.
"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser("bench", help="benchmarks: train and score on a piano-roll likelihood dataset",
                       description="Benchmarks against published numbers.", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    which = p.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    q = which.add_parser("pianoroll", help="frame-level NLL on a piano-roll dataset (JSB Chorales, Nottingham)",
                         description="Train a model over frame tokens of the file's train split and report the "
                                     "frame-level NLL (nats per step) of its valid and test splits.",
                         epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("--data", required=True, metavar="FILE", help="piano-roll JSON (.json or .json.gz)")
    q.add_argument("--model", default="pianoroll-transformer", metavar="PRESET",
                   help="training preset name or .toml path (default: pianoroll-transformer; also pianoroll-lstm)")
    q.add_argument("--budget-minutes", type=float, metavar="N",
                   help="train for about N wall-clock minutes (steps fixed from a throughput measurement)")
    q.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a preset value, e.g. model.dropout=0.3 (repeatable)")
    q.add_argument("--transpose", default="-5:6", metavar="LO:HI",
                   help="transpose the train split by every shift in LO..HI semitones (default -5:6; 0:0 for none)")
    q.add_argument("--mixture", metavar="LO:HI",
                   help="also score the mixture of the model over the transpositions LO..HI (a test-time ensemble)")
    q.add_argument("--checkpoint", metavar="DIR", help="score this trained checkpoint; do not train")
    q.add_argument("--out", metavar="DIR", help="run folder (default: runs/pianoroll-<file name>)")
    q.add_argument("--no-progress", action="store_true", help="no progress bars")
    q.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from tunesmith.errors import ConfigError
    from tunesmith.evaluation.pianoroll import PUBLISHED, benchmark, load_pianoroll, score

    lo, hi = _span("--transpose", args.transpose)
    shifts = ()
    if args.mixture:
        a, b = _span("--mixture", args.mixture)
        shifts = tuple(range(a, b + 1))
    if args.budget_minutes is not None and not 0 < args.budget_minutes <= 24 * 60:
        raise ConfigError("--budget-minutes must be positive (and at most a day)")
    name = Path(args.data).name.split(".")[0]
    out = Path(args.out) if args.out else Path("runs") / f"pianoroll-{name}"
    if args.checkpoint:
        r = score(load_pianoroll(args.data), args.checkpoint, shifts, not args.no_progress)
        print(f"{name}: {args.checkpoint} ({r['params']:,} parameters, step {r['best_step']})")
    else:
        r = benchmark(args.data, out, args.model, args.overrides, args.budget_minutes, (lo, hi), shifts,
                      not args.no_progress)
        print(f"{name}: {r['model']['name']} ({r['params']:,} parameters), {r['steps']} steps in "
              f"{r['train_minutes']} min, best at step {r['best_step']}")
    print(f"{'split':<8}{'NLL/step':>10}{'skip first':>12}{'steps':>8}{'pieces':>8}")
    rows = [(split, s) for split, s in r["scores"].items()]
    rows += [(f"{split}*", s) for split, s in r.get("scores_mixture", {}).items()]
    for split, s in rows:
        print(f"{split:<8}{s['nll']:>10.3f}{s['nll_skip_first']:>12.3f}{s['steps']:>8}{s['pieces']:>8}")
    if "scores_mixture" in r:
        print(f"* mixture over transpositions {r['mixture_shifts'][0]}..{r['mixture_shifts'][-1]}")
    for split, s in r["scores"].items():
        c = s["context"]
        print(f"context ({split}): windows of {c['block_tokens']} tokens overlapping by half; at "
              f"{c['tokens_per_step']} tokens per step a token past the first window sees {c['steps_seen'][0]:g}-"
              f"{c['steps_seen'][1]:g} steps back, not its whole piece: {c['share_tokens_cut']:.0%} of tokens "
              f"(longest piece {c['longest_piece_steps']:,} steps)")
    if r.get("eval_tokens"):
        print(f"checkpoint chosen on the first {r['eval_tokens']:,} valid tokens")
    if name in PUBLISHED:
        print("published (test sets): " + "; ".join(f"{m} {v}" for m, v in PUBLISHED[name]))
    if not args.checkpoint:
        print(f"result: {out / 'result.json'}")
    return 0


def _span(flag: str, text: str) -> tuple[int, int]:
    from tunesmith.errors import ConfigError

    try:
        lo, hi = (int(x) for x in text.split(":"))
    except ValueError:
        raise ConfigError(f"{flag} {text!r}: expected LO:HI, e.g. -5:6 (write {flag}=-5:6)") from None
    if lo > hi or abs(lo) > 24 or abs(hi) > 24:
        raise ConfigError(f"{flag} {text!r}: need LO <= HI, both within +-24 semitones")
    return lo, hi
