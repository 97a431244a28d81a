"""`tunesmith originality FILE [FILE...]`: how much of each piece's melody is already in a training set."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith originality out/chorales-0.mid               against the default model's training set
  tunesmith originality out/*.mid --model folk           against what the folk model learned from
  tunesmith originality song.mid --corpus chorales:valid a prepared corpus split (built on the spot)
  tunesmith originality song.mid --n 12 --json           12-token n-grams, one JSON list for scripts
"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser("originality", help="the longest melody run each piece shares with a training piece",
                       description="Check pieces against a training set, transposition-invariant (melody "
                                   "intervals and durations): the longest run of notes shared with any one "
                                   "training piece, and the share of the piece's n-grams found in the set. "
                                   "A copy scores its own length and 1.0; a new melody, a few notes and near 0.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE", help="MIDI, MusicXML, ABC or JSON score files")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--model", help="a shipped model (its shipped index) or a checkpoint folder (its training "
                                       "corpora, if prepared); default: the default model")
    which.add_argument("--corpus", metavar="CORPUS[:SPLIT]",
                       help="a prepared corpus split instead, e.g. chorales:train (the split defaults to train)")
    p.add_argument("--n", type=int, default=8, help="n-gram length in melody intervals (default 8: 9 notes)")
    p.add_argument("--json", action="store_true", help="print one JSON list, an object per file")
    p.set_defaults(func=run)


def run(args) -> int:
    import json
    import sys

    from tunesmith.errors import ConfigError, ScoreError
    from tunesmith.evaluation.corpus_index import check, corpus_index, model_index
    from tunesmith.generation.load import resolve
    from tunesmith.io import read

    index = corpus_index(args.corpus) if args.corpus else model_index(resolve(args.model or "default"))
    if args.n < index.seed:
        raise ConfigError(f"--n must be at least {index.seed} (the index's seed length), not {args.n}")
    if not args.json:
        print(f"index: {index.source} ({len(index):,} piece{'s' if len(index) != 1 else ''})")
    rows, bad = [], 0
    for f in args.files:
        try:
            r = {"file": f, **check(read(f), index, args.n)}
        except ScoreError as e:
            print(f"error: {e}", file=sys.stderr)
            rows.append({"file": f, "error": str(e)})
            bad += 1
            continue
        rows.append(r)
        if not args.json:
            print(line(r))
    if args.json:
        print(json.dumps(rows, indent=1))
    return 2 if bad else 0


def line(r: dict) -> str:
    """One file's result in words."""
    run = r["longest_shared_run"]
    shared = f"{run} of {r['melody_notes']} notes ({r['longest_match_piece']})" if run else \
        f"none of 5+ of its {r['melody_notes']} notes"
    overlap = "-" if r["ngram_overlap"] is None else f"{r['ngram_overlap']:.3f}"
    return f"{r['file']}: longest shared run {shared}; {r['n']}-gram overlap {overlap}"
