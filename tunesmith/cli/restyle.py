"""`tunesmith restyle PIECE --to bach|irish|...`: the melody and its phrases kept, rendered in another style."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith restyle tune.abc --to bach                 a folk tune as a four-part chorale
  tunesmith restyle chorale.musicxml --to irish        a chorale melody as a jig with chords and bass
  tunesmith restyle chorale.musicxml --to irish --meter 4/4    ... as a reel
  tunesmith restyle chorale.mxl --to scottish --no-accompaniment
"""


def register(sub) -> None:
    import argparse

    from tunesmith.cli.compose import _add_common

    p = sub.add_parser("restyle", help="a piece's melody rendered in another style", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("piece", help="MIDI, MusicXML or ABC: the top voice is the melody unless --track says")
    p.add_argument("--to", required=True, help="bach, or a folk style: irish, scottish, folk, european, ...")
    p.add_argument("--track", type=int, help="which track is the melody (1 = the first)")
    p.add_argument("--accompanist", default="default", help="the model that adds chords to a folk tune")
    p.add_argument("--no-accompaniment", action="store_true", help="a folk tune alone, without chords and bass")
    _add_common(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.cli.compose import _formats, print_piece, request_of
    from tunesmith.generation.given_jobs import restyle_files

    track = None if args.track is None else args.track - 1
    accompanist = None if args.no_accompaniment else args.accompanist
    r = restyle_files(args.piece, args.to, request_of(args), args.out, args.model, accompanist, track,
                      _formats(args))
    print_piece(r, f"{r['analysis']['tracks']} tracks, {r['analysis']['meter']}, melody kept "
                f"{r['melody_kept']:.0%}; restyled in {r['timings_s']['restyle']:.2f} s")
    return 0
