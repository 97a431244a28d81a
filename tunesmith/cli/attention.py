"""`tunesmith attention FILE --model NAME`: which earlier notes and bars a model attends to, drawn and read."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith attention chorale.musicxml                   the shipped model that fits the piece, a text reading
  tunesmith attention tune.abc --model folk --out maps/  also the pictures and a JSON report
  tunesmith attention piece.mid --model runs/my-transformer
"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser("attention", help="which earlier notes a model attends to: a picture and a reading",
                       description="Score a piece (MIDI, MusicXML, ABC or JSON) with a model that has attention "
                                   "(a Transformer or an attention RNN) and show which earlier notes each note "
                                   "attends to, per layer and head and averaged, the attention by distance in "
                                   "beats and bars, and a reading in musical terms.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--model", default="default", help="a shipped model (chorales, folk) or a checkpoint folder "
                   "(default: the shipped model that fits the piece: folk for one voice, chorales for parts)")
    p.add_argument("--out", metavar="DIR", help="write FILE-attention.png, FILE-heads.png and FILE-attention.json")
    p.add_argument("--format", default="png,json", help="what to write with --out: png, json (default both)")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.assistant.attention_job import attention_job, report_text

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    print(report_text(attention_job(args.file, args.model, args.out, formats)), end="")
    return 0
