"""`tunesmith info FILE`: what a score holds."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("info", help="print tracks, notes, duration, key, meter and tempo of a score file",
                       description="Print what a MIDI, MusicXML, ABC or JSON score holds.\n\n"
                                   "example: tunesmith info song.mid")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.errors import ScoreError
    from tunesmith.io import read
    from tunesmith.theory.analysis import summary

    bad = 0
    for f in args.files:
        try:
            print(summary(read(f)))
        except ScoreError as e:
            print(f"error: {e}", file=sys.stderr)
            bad += 1
    return 2 if bad else 0
