"""`tunesmith infill PIECE --bars 5-6 [--voices alto,tenor]`: chosen bars written again, joining both sides."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith infill chorale.musicxml --bars 5-6                 every voice of bars 5 and 6
  tunesmith infill chorale.musicxml --bars 3 --voices alto,tenor
  tunesmith infill tune.abc --bars 9-10 --seed 2               a folk tune: its melody
bars are numbered as the engraved score numbers them (a pickup is bar 0); every setting of `tunesmith compose`
applies to the written cells (--in-key, --max-leap, --free-voice-leading, ...).
"""


def register(sub) -> None:
    import argparse

    from tunesmith.cli.compose import _add_common

    # resolve: --bars and --voices here mean bars and voices of the piece, not compose's length and count
    p = sub.add_parser("infill", help="write chosen bars of a piece again, joining both sides", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter, conflict_handler="resolve")
    p.add_argument("piece", help="MIDI, MusicXML or ABC")
    _add_common(p)
    p.add_argument("--bars", dest="span", required=True, help="FIRST-LAST, e.g. 5-6 (or one bar: 7)")
    p.add_argument("--voices", dest="which", help="voices to write again, e.g. alto,tenor (default: all)")
    p.set_defaults(func=run, voices=None, bars=8)


def run(args) -> int:
    from tunesmith.cli.compose import _formats, print_piece, request_of
    from tunesmith.generation.given_jobs import infill_files

    r = infill_files(args.model, args.piece, args.span, request_of(args), args.out, args.which, _formats(args))
    print_piece(r, f"bars {r['span']['bars'][0]}-{r['span']['bars'][1]} written again in "
                f"{r['timings_s']['infill']:.2f} s")
    return 0
