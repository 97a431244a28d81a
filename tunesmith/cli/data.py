"""`tunesmith data prepare|tokenize|pairs|excerpts|list`: corpora into the cache, and the cache into training arrays."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith data prepare --corpus chorales            the 371 Bach chorales
  tunesmith data prepare --corpus all                 every built-in corpus (a few minutes on 2 cores)
  tunesmith data prepare --midi-dir ~/midi --name mine    your own MIDI files, recursively
  tunesmith data tokenize --corpus chorales --representation voicegrid
  tunesmith data tokenize --corpus folk --representation voicegrid --param voices=1 --transpose=-2:2
  tunesmith data pairs --tokens chorales-voicegrid --tasks harmonize:0.5,infill:0.35,infill-left:0.15
  tunesmith data excerpts --tokens folk-voices1-voicegrid --bars 2 --meters 4/4,2/2
  tunesmith data list
"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser("data", help="prepare corpora and training arrays", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION", required=True)

    pp = dsub.add_parser("prepare", help="parse corpora into the cache (parallel, cached, with a card)",
                         epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    pp.add_argument("--corpus", default=None,
                    help="comma-separated: chorales, essen, oneills, ryans, airds, palestrina, folk, all")
    pp.add_argument("--midi-dir", type=str, help="a folder of your own MIDI files (searched recursively)")
    pp.add_argument("--name", help="cache name for --midi-dir (default: user-<folder name>)")
    pp.add_argument("--limit", type=int, help="only the first N pieces of each corpus (for quick trials)")
    pp.add_argument("--workers", type=int, help="parallel processes (default: all cores)")
    pp.add_argument("--force", action="store_true", help="parse again even when cached")
    pp.set_defaults(func=run_prepare)

    tp = dsub.add_parser("tokenize", help="write training arrays (one memmap per split + meta.json)",
                         epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    tp.add_argument("--corpus", required=True, help="prepared corpora, comma-separated, or a group (folk, all)")
    tp.add_argument("--representation", required=True, help="remi, frame or voicegrid")
    tp.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                    help="tokenizer setting, repeatable, e.g. --param voices=1 --param steps_per_quarter=4")
    tp.add_argument("--transpose", default="-5:6",
                    help="train-split transpositions LOW:HIGH, written --transpose=-2:2 (default -5:6)")
    tp.add_argument("--limit", type=int, help="use the corpora prepared with this --limit")
    tp.add_argument("--out", help="output folder (default: <cache>/tokens/<corpus>-<representation>)")
    tp.add_argument("--workers", type=int)
    tp.set_defaults(func=run_tokenize)

    rp = dsub.add_parser("pairs", help="source/target pairs for a conditional model (harmonize, infill)",
                         epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    rp.add_argument("--tokens", required=True, help="voice-grid training arrays: a folder or a name under "
                    "<cache>/tokens/ (tunesmith data tokenize)")
    rp.add_argument("--tasks", required=True, help="TASK[:WEIGHT],...: harmonize, infill, infill-left")
    rp.add_argument("--seed", type=int, default=0, help="seeds the masks drawn for each sequence")
    rp.add_argument("--out", help="output folder (default: <cache>/tokens/<tokens>-pairs)")
    rp.set_defaults(func=run_pairs)

    ep = dsub.add_parser("excerpts", help="fixed-length windows of N bars for the VAE and the GAN",
                         epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    ep.add_argument("--tokens", required=True,
                    help="voice-grid training arrays: a folder or a name under <cache>/tokens/")
    ep.add_argument("--bars", type=int, required=True, help="bars a window")
    ep.add_argument("--meters", default="4/4,2/2",
                    help="pieces in these meters, with bars of one length (default 4/4,2/2)")
    ep.add_argument("--out", help="output folder (default: <cache>/tokens/<tokens>-<bars>bar)")
    ep.set_defaults(func=run_excerpts)

    lp = dsub.add_parser("list", help="list the built-in corpora and what is prepared")
    lp.set_defaults(func=run_list)


def run_prepare(args) -> int:
    from tunesmith.data.prepare import prepare, prepare_midi_dir
    from tunesmith.errors import ConfigError

    if not args.corpus and not args.midi_dir:
        raise ConfigError("give --corpus NAME[,NAME] or --midi-dir DIR (see --help)")
    if args.limit is not None and args.limit < 1:
        raise ConfigError("--limit must be at least 1")
    corpora = []
    if args.corpus:
        corpora += prepare(args.corpus, limit=args.limit, force=args.force, workers=args.workers)
    if args.midi_dir:
        corpora.append(prepare_midi_dir(args.midi_dir, args.name, force=args.force, workers=args.workers))
    for c in corpora:
        print(_summary(c))
    return 0


def _summary(c) -> str:
    from collections import Counter

    splits = Counter(r["split"] for r in c.records)
    notes = sum(r["notes"] for r in c.records)
    line = (f"{c.name:<16} {len(c):>6} pieces ({splits['train']}/{splits['valid']}/{splits['test']} "
            f"train/valid/test), {notes} notes, {len(c.failures)} failed  -> {c.folder}/CARD.md")
    for f in c.failures[:5]:
        line += f"\n    skipped {f['id']}: {f['reason'][:120]}"
    if len(c.failures) > 5:
        line += f"\n    ... and {len(c.failures) - 5} more, listed in the card"
    return line


def run_tokenize(args) -> int:
    from pathlib import Path

    from tunesmith.data.prepare import load_corpora
    from tunesmith.data.tokenize import tokenize, tokens_dir
    from tunesmith.errors import ConfigError
    from tunesmith.representation import get_tokenizer

    try:
        lo, hi = (int(x) for x in args.transpose.split(":"))
    except ValueError:
        raise ConfigError(f"--transpose takes LOW:HIGH semitones, e.g. -5:6, not {args.transpose!r}") from None
    if not -12 <= lo <= 0 <= hi <= 12:
        raise ConfigError("--transpose range must lie within -12:12 and include 0")
    corpora = load_corpora(args.corpus, limit=args.limit)
    params = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not value.lstrip("-").isdigit():
            raise ConfigError(f"--param takes KEY=INTEGER, e.g. voices=1, not {item!r}")
        params[key.strip()] = int(value)
    tok = get_tokenizer(args.representation, **params)
    name = args.corpus.replace(",", "+") + (f"-{args.limit}" if args.limit else "")
    name += "".join(f"-{k}{v}" for k, v in sorted(params.items()))
    out = Path(args.out) if args.out else tokens_dir(name, args.representation)
    arrays = tokenize(corpora, tok, out, (lo, hi), workers=args.workers)
    for s in arrays.splits:
        info = arrays.meta["splits"][s]
        print(f"{s:<6} {len(info['pieces']):>7} sequences {info['tokens']:>10} tokens")
    print(f"vocabulary {arrays.vocab_size} tokens -> {out}")
    return 0


def run_pairs(args) -> int:
    from pathlib import Path

    from tunesmith.data.arrays import TokenArrays
    from tunesmith.data.tasks import pairs_from_arrays, parse_mix
    from tunesmith.training.data import resolve_data

    mix = parse_mix(args.tasks)
    folder = resolve_data(args.tokens)
    out = Path(args.out) if args.out else folder.parent / f"{folder.name}-pairs"
    pairs = pairs_from_arrays(TokenArrays.load(folder), mix, out, seed=args.seed)
    for s in pairs.meta["splits"]:
        print(f"{s:<6} {pairs.count(s):>7} pairs {pairs.meta['splits'][s]['tokens']:>10} tokens")
    print(f"tasks {mix} -> {out}")
    return 0


def run_excerpts(args) -> int:
    from pathlib import Path

    from tunesmith.data.excerpts import Excerpts, write_excerpts
    from tunesmith.training.data import resolve_data

    folder = resolve_data(args.tokens)
    out = Path(args.out) if args.out else folder.parent / f"{folder.name}-{args.bars}bar"
    ex = Excerpts.load(write_excerpts(folder, out, args.bars, tuple(m.strip() for m in args.meters.split(","))))
    for s in ex.meta["splits"]:
        print(f"{s:<6} {ex.count(s):>7} excerpts of {ex.layout['length']} tokens")
    print(f"{args.bars} bars of {args.meters} -> {out}")
    return 0


def run_list(args) -> int:
    from tunesmith.data.cache import cache_root
    from tunesmith.data.corpora import CORPORA, GROUPS

    root = cache_root() / "corpora"
    for name, spec in CORPORA.items():
        mark = "prepared" if (root / name / "index.json").is_file() else "-"
        print(f"{name:<12} {mark:<9} {spec.title}  [{spec.license}]")
    print("groups: " + ", ".join(f"{g} = {'+'.join(m)}" for g, m in GROUPS.items()))
    return 0
