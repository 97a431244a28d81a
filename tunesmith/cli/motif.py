"""`tunesmith motif FILE`: where else a motif occurs across every corpus, and how to develop it."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith motif motif.mid                        where it occurs (transposed or not), its developments
  tunesmith motif motif.abc --corpus oneills,ryans --out dev/   only some corpora; developments as files
  tunesmith motif tune.musicxml --recurring        the motifs a piece returns to, and where else they occur
"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser("motif", help="where else a motif occurs, across every corpus; its developments",
                       description="Find a motif (a short melody: MIDI, MusicXML, ABC or JSON; its top line) "
                                   "in every prepared corpus, transposed or not, by its intervals and rhythm, and "
                                   "suggest its developments: sequence, inversion, retrograde, augmentation, "
                                   "diminution, fragmentation. Your own pieces count once prepared "
                                   "(tunesmith data prepare --midi-dir DIR).",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--corpus", help="comma-separated prepared corpora to search (default: every one prepared)")
    p.add_argument("--recurring", action="store_true", help="FILE is a piece: find the motifs it returns to")
    p.add_argument("--intervals-only", action="store_true", help="match the intervals, whatever the rhythm")
    p.add_argument("--places", type=int, default=10, help="occurrences to list with piece, bar and beat")
    p.add_argument("--out", metavar="DIR", help="write the developments as MIDI and MusicXML into DIR")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.assistant.motifs import motif_job, report_text

    corpora = [c.strip() for c in args.corpus.split(",") if c.strip()] if args.corpus else None
    report = motif_job(args.file, corpora, args.out, args.recurring, places=max(args.places, 0),
                       rhythm=not args.intervals_only)
    print(report_text(report), end="")
    return 0
