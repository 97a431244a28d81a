"""`tunesmith harmonize MELODY`: a four-part chorale under a melody, the melody unchanged as the soprano."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith harmonize tune.mid                         the top voice of tune.mid, harmonized as a chorale
  tunesmith harmonize tune.abc --seed 3 -o out         another harmonization
  tunesmith harmonize song.musicxml --track 2          the melody is the second track
  tunesmith harmonize tune.mid --model chorales        the chorale Transformer instead (sees the melody so far)
every setting of `tunesmith compose` applies (--in-key, --max-leap, --free-voice-leading, ...); --bars does not:
the melody sets the length.
"""


def register(sub) -> None:
    import argparse

    from tunesmith.cli.compose import _add_common

    p = sub.add_parser("harmonize", help="harmonize a melody as a four-part chorale", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("melody", help="MIDI, MusicXML or ABC: the top voice is the melody unless --track says")
    p.add_argument("--track", type=int, help="which track is the melody (1 = the first)")
    _add_common(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.cli.compose import _formats, print_piece, request_of
    from tunesmith.generation.given_jobs import harmonize_files

    track = None if args.track is None else args.track - 1
    r = harmonize_files(args.model, args.melody, request_of(args), args.out, track, _formats(args))
    a = r["analysis"]
    print_piece(r, f"{a['bars']} bars, {a['notes']} notes, {a['notated_key']}, {a['meter']}; "
                f"harmonized in {r['timings_s']['harmonize']:.2f} s")
    return 0
