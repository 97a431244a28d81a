"""`tunesmith compose` (the main job) and `tunesmith continue PRIMER`."""

from __future__ import annotations

import argparse

from tunesmith.generation.defaults import HOLD_PENALTY, KEY_PENALTY, TOP_P

EPILOG = """examples:
  tunesmith compose                                    one chorale with the default model into ./out
  tunesmith compose --model folk --key "D major" --meter 6/8 --bars 16 -n 3
  tunesmith compose --key "A minor" --temperature 0.9 --top-p 0.9 --seed 7 --instruments 52,52,52,32
  tunesmith compose --beams 4 --bars 4                 most likely piece by beam search
  tunesmith compose --stream                           print notes as they are decided
  tunesmith continue melody.mid --bars 8               keep the primer, add 8 bars
"""


def _add_common(p) -> None:
    from tunesmith.generation.request import BARS, BEAMS, TEMPERATURE, TEMPO  # no torch

    p.add_argument("--model", default="default", help="shipped model name (see `tunesmith models`) or a checkpoint "
                   "folder (default: the default model)")
    p.add_argument("--style", help="style label, e.g. bach, irish, scottish, chinese, european, american")
    p.add_argument("--key", help='key, e.g. "G major", "E minor", "F#m" (default: drawn by the model)')
    p.add_argument("--meter", help="time signature, e.g. 4/4, 3/4, 6/8 (default: drawn by the model)")
    p.add_argument("--tempo", type=float, help=f"quarter notes per minute ({TEMPO[0]:g}..{TEMPO[1]:g})")
    p.add_argument("--bars", type=int, default=8, help=f"length in bars, {BARS[0]}..{BARS[1]} (default 8)")
    p.add_argument("--instruments", help="General MIDI programs per track, comma-separated, e.g. 52,52,52,32")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same piece; 0..2^64-1)")
    p.add_argument("--temperature", type=float, default=1.0,
                   help=f"below 1 sharper, above 1 flatter ({TEMPERATURE[0]:g}..{TEMPERATURE[1]:g}; default 1)")
    p.add_argument("--top-k", type=int, default=0, help="keep the k most likely tokens (0: all)")
    p.add_argument("--top-p", type=float, default=None,
                   help=f"nucleus sampling mass (default: the model's tuned value, else {TOP_P:g}; 1: off)")
    p.add_argument("--beams", type=int, default=1,
                   help=f"beam width (> 1: beam search instead of sampling; at most {BEAMS[1]})")
    p.add_argument("--max-leap", type=int, default=12, help="largest leap within a voice, semitones")
    p.add_argument("--max-rest", type=float, default=1.0, metavar="BARS",
                   help="longest rest of a playing voice, in bars (default 1: no voice falls silent; -1: any)")
    key = p.add_mutually_exclusive_group()
    key.add_argument("--in-key", action="store_true", help="only pitches of the key's scale (strict)")
    key.add_argument("--key-penalty", type=float, default=None, metavar="NATS",
                     help="make pitches outside the key's scale less likely by this many nats (default: the "
                          f"model's tuned value, else {KEY_PENALTY:g}; 0: as the model likes)")
    key.add_argument("--chromatic", action="store_true", help="no key preference at all (same as --key-penalty 0)")
    p.add_argument("--hold-penalty", type=float, default=None, metavar="NATS",
                   help="make holding a note less likely by this many nats: more, shorter notes (default: the "
                        f"model's tuned value, else {HOLD_PENALTY:g}; 0: as the model likes)")
    p.add_argument("--voices", type=int, help="how many of the model's voices play")
    p.add_argument("--free-voice-leading", action="store_true",
                   help="allow parallel fifths and octaves, voice crossings and upper voices over an octave apart")
    p.add_argument("--no-tonic-ending", action="store_true", help="do not force the last note onto the tonic")
    p.add_argument("-o", "--out", default="out", help="output folder (default ./out)")
    p.add_argument("--formats", default="mid,wav,png,musicxml,svg", help="files to write besides the .json")


def register(sub) -> None:
    p = sub.add_parser("compose", help="compose music with a trained model (the main job)", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Compose pieces and write .mid .wav .png .musicxml .svg and a .json report.")
    _add_common(p)
    p.add_argument("-n", "--number", type=int, default=1, help="how many pieces (seeds seed, seed+1, ...)")
    p.add_argument("--stream", action="store_true", help="print each note as soon as it is decided")
    p.add_argument("--motif", metavar="FILE", help="prefer to bring back this motif (a short melody: MIDI, "
                   "MusicXML, ABC or JSON) while composing: see `tunesmith motif`")
    p.add_argument("--attention", action="store_true",
                   help="also draw which earlier bars and notes the model attended to as it wrote each bar "
                        "(<piece>-attention.png, -heads.png; models with attention)")
    p.set_defaults(func=run_compose)

    c = sub.add_parser("continue", help="continue a primer (MIDI, MusicXML or ABC) by some bars", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("primer", help="the file to continue; it is kept unchanged")
    _add_common(c)
    c.set_defaults(func=run_continue)


def request_of(args):
    from tunesmith.errors import ConfigError
    from tunesmith.generation.request import Request  # no torch: a bad setting answers at once

    programs = None
    if args.instruments:
        try:
            programs = tuple(int(x) for x in args.instruments.split(","))
        except ValueError:
            raise ConfigError(f"--instruments takes numbers like 52,52,52,32, not {args.instruments!r}") from None
    penalty = {}  # unless given, the Request's defaults
    if args.chromatic or args.key_penalty is not None:
        penalty["key_penalty"] = 0.0 if args.chromatic else args.key_penalty
    if args.hold_penalty is not None:
        penalty["hold_penalty"] = args.hold_penalty
    motif = None
    if getattr(args, "motif", None):  # compose has --motif, continue has not
        from tunesmith.assistant.motifs import request_notes

        motif = request_notes(args.motif)
    return Request(style=args.style, key=args.key, meter=args.meter, tempo=args.tempo, bars=args.bars,
                   seed=args.seed, temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                   beams=args.beams, in_key=args.in_key, max_leap=args.max_leap,
                   max_rest=None if args.max_rest < 0 else args.max_rest, voices=args.voices,
                   end_on_tonic=not args.no_tonic_ending, voice_leading=not args.free_voice_leading,
                   programs=programs, motif=motif, **penalty)


def _formats(args) -> tuple[str, ...]:
    return tuple(f for f in args.formats.split(",") if f)


def run_compose(args) -> int:
    req = request_of(args)
    if args.stream:
        from tunesmith.generation.compose import stream_notes
        from tunesmith.generation.load import load
        from tunesmith.theory.pitch import pitch_name

        loaded = load(args.model)
        print("voice  pitch  start(beats)  length(beats)", flush=True)
        for n in stream_notes(loaded.model, loaded.tokenizer, loaded.request(req)):
            beats = f"{n.start / 480:>12.2f}  {n.duration / 480:>13.2f}"
            print(f"{n.voice:>5}  {pitch_name(n.pitch):>5}  {beats}", flush=True)
        return 0
    from tunesmith.generation.job import compose_files

    model = args.model
    if args.attention:  # loaded here, so that the pictures use the model that composed
        from tunesmith.generation.load import load

        model = load(args.model)

    def show(r):
        a = r["analysis"]
        print(f"{r['files']['json']}: {a['bars']} bars, {a['notes']} notes, {a['notated_key']}, {a['meter']}, "
              f"{a['seconds']:.1f} s, in key {a['in_key_rate']}; composed in {r['timings_s']['compose']:.2f} s",
              flush=True)
        if args.attention:
            from tunesmith.assistant.attention_job import compose_attention

            for path in compose_attention(model, r, args.out).values():
                print(f"  {path}", flush=True)

    compose_files(model, req, args.out, args.number, _formats(args), on_piece=show)
    print(f"files in {args.out}/")
    return 0


def run_continue(args) -> int:
    from tunesmith.generation.job import continue_files

    r = continue_files(args.model, args.primer, request_of(args), args.out, _formats(args))
    a = r["analysis"]
    print_piece(r, f"{a['bars']} bars ({r['primer']['bars']} from the primer), {a['notes']} notes")
    return 0


def print_piece(r: dict, headline: str) -> None:
    """A job's report on the terminal: its warnings, the .json with `headline`, then the other files."""
    for w in r.get("warnings", ()):
        print(f"warning: {w}")
    print(f"{r['files']['json']}: {headline}")
    for fmt, path in r["files"].items():
        if fmt != "json":
            print(f"  {path}")
