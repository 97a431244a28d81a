"""`tunesmith explain "parallel fifths"`: a node of the music-theory knowledge tree."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith explain "parallel fifths"                 by keyword
  tunesmith explain voice-leading/chordal-seventh     by path
  tunesmith explain fault:hidden_octaves              by what the analyser found (also cadence:PAC, nct:suspension)
  tunesmith explain --progression "ii6/5 V7 vi"       the nodes a progression leads to
  tunesmith explain --list                            the whole tree
"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser("explain", help="explain a music-theory topic from the knowledge tree",
                       description="Look up the music-theory knowledge tree by keyword, by path, or by what "
                                   "the analyser finds (a fault, cadence, non-chord tone or progression).",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", nargs="*", metavar="TOPIC", help="words, a node path, or a match key")
    p.add_argument("--progression", default="", metavar="NUMERALS", help='numerals, e.g. "IV I6/4 V7 I"')
    p.add_argument("--list", action="store_true", help="print the whole tree")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.assistant.explain import explain

    print(explain(" ".join(args.query), args.progression, args.list), end="")
    return 0
