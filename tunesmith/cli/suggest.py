"""`tunesmith suggest FILE --bar N`: alternatives for one bar, ranked, each with a reason, audio and notation."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith suggest chorale.musicxml --bar 4                 continuation, reharmonization, cadence, fixes
  tunesmith suggest chorale.musicxml --bar 4 --voice alto -n 5 --out ideas/
  tunesmith suggest tune.abc --bar 17                         one past the last bar: a new bar
  tunesmith suggest exercise.mid --bar 3 --kind fix           only fixes for the check's faults in bar 3
"""


def register(sub) -> None:
    import argparse

    from tunesmith.assistant.suggest import KINDS, MAX_SUGGESTIONS

    p = sub.add_parser("suggest", help="alternatives for a bar: continuation, reharmonization, cadence, fixes",
                       description="Offer alternatives for one bar of a piece (MIDI, MusicXML, ABC or JSON), drawn "
                                   "from the model that fits it under the composer's rules and ranked by the "
                                   "model's likelihood and the voice-leading rules, each with a one-line reason "
                                   "and, with --out, its audio (WAV) and notation (MusicXML, SVG).",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--bar", required=True, help="the bar, as the score numbers it (one past the last: a new bar)")
    p.add_argument("--voice", help="rewrite only this voice: soprano, alto, tenor, bass (or melody), or 1..4")
    p.add_argument("-n", type=int, default=3, help=f"suggestions of each kind, 1..{MAX_SUGGESTIONS} (default 3)")
    p.add_argument("--kind", default=",".join(KINDS), help=f"comma-separated, of: {', '.join(KINDS)} (default all)")
    p.add_argument("--model", default="default", help="a shipped model or a checkpoint folder (default: the "
                   "shipped model that fits the piece)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the drafts")
    p.add_argument("--out", metavar="DIR", help="write each suggestion's bars as WAV, MusicXML and SVG into DIR")
    p.add_argument("--formats", default="wav,musicxml,svg", help="what to write with --out (also mid, png)")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.assistant.suggest import suggest, suggestions_text

    kinds = [k.strip() for k in args.kind.split(",") if k.strip()]
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    result = suggest(args.file, args.bar, args.voice, args.n, args.model, kinds, args.out, formats, args.seed)
    print(suggestions_text(result), end="")
    return 0
