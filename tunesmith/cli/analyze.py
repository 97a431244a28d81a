"""`tunesmith analyze FILE`: keys, Roman numerals, cadences, phrases, non-chord tones and voice-leading faults."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith analyze chorale.musicxml                       a text report
  tunesmith analyze chorale.musicxml --format rntxt        RomanText, for music21 and analysis corpora
  tunesmith analyze song.mid --format json
  tunesmith analyze chorale.musicxml --out analysis/ --format text,rntxt,musicxml,svg
"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser("analyze", help="analyse a score: keys, Roman numerals, cadences, non-chord tones, faults",
                       description="Analyse a MIDI, MusicXML, ABC or JSON score: local keys and modulations, a "
                                   "Roman numeral per chord (with inversions and applied chords), cadences, phrase "
                                   "ends, non-chord tones and, for music in parts, voice-leading faults.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", default="text", metavar="FORMATS",
                   help="comma-separated: text, json, rntxt, musicxml (numerals under the bass, faults in "
                        "colour), svg (needs --out); default text")
    p.add_argument("--out", metavar="DIR", help="write FILE's stem with each format's suffix into DIR")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.assistant.analyze import analyze

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    report = analyze(args.file, formats, args.out)
    for output in report.outputs.values():
        print(output, end="" if args.out is None else "\n")
    return 0
