"""`tunesmith accompany TUNE --style folk|chorale`: chord symbols and a bass and chords track under a melody."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith accompany tune.abc                         oom-pah in 3/4, a jig's bass-chord in 6/8, boom-chick in 2/4
  tunesmith accompany hymn.mid --style chorale         block chords
  tunesmith accompany tune.mid --in-key --seed 2       only chords of the key
  tunesmith accompany tune.mid --votes 1               one sample's chords, not the consensus of 16
the chord symbols are written above the melody in the MusicXML and the engraved score, and listed in the report.
"""


def register(sub) -> None:
    import argparse

    from tunesmith.cli.compose import _add_common

    p = sub.add_parser("accompany", help="chord symbols and a bass and chords track under a melody", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter, conflict_handler="resolve")
    p.add_argument("tune", help="MIDI, MusicXML or ABC: the top voice is the melody unless --track says")
    _add_common(p)
    p.add_argument("--style", default="folk", help="the accompaniment's texture: folk or chorale (default folk)")
    p.add_argument("--track", type=int, help="which track is the melody (1 = the first)")
    p.add_argument("--votes", type=int, default=16,
                   help="samples drawn; on each beat the chord most of them chose (default 16; 1: one sample)")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.cli.compose import _formats, print_piece, request_of
    from tunesmith.generation.given_jobs import accompany_files

    track = None if args.track is None else args.track - 1
    style, args.style = args.style, None  # the texture's style, not a conditioning token
    r = accompany_files(args.model, args.tune, request_of(args), args.out, style, track, _formats(args),
                        args.votes)
    print_piece(r, f"{' '.join(r['chords'][:16])}{' ...' if len(r['chords']) > 16 else ''}")
    return 0
