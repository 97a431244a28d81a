"""`tunesmith interpolate A B --steps 7`: a path between two pieces through a VAE's latent space."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("interpolate", help="a smooth path of pieces between two pieces (a VAE's latent space)",
                       description="Encode two pieces of one meter and length with a VAE, walk the great circle "
                                   "between their codes and decode each step: MIDI files, the piano rolls side by "
                                   "side and a JSON report of each step's key, notes and distance to the ends.\n\n"
                                   "examples:\n"
                                   "  tunesmith interpolate a.mid b.mid --steps 7\n"
                                   "  tunesmith interpolate a.mid b.mid --bars 4 --model folk-vae-4bar -o out/path",
                       formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    p.add_argument("a", help="the first piece (MIDI, MusicXML, ABC)")
    p.add_argument("b", help="the last piece, in A's meter and of A's length")
    p.add_argument("--steps", type=int, default=7, help="pieces on the path, A and B included (default 7)")
    add_common(p)
    p.set_defaults(func=run)


def add_common(p) -> None:
    p.add_argument("--model", default="folk-vae-2bar", help="a shipped VAE or a checkpoint folder (default "
                   "folk-vae-2bar; also folk-vae-4bar, chorales-vae-2bar)")
    p.add_argument("--bars", type=int, help="take the first N bars (a multiple of the model's span)")
    p.add_argument("--temperature", type=float, default=0.0, help="0: the most likely notes (default); >0 samples")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--out", default="out", help="output folder (default ./out)")


def run(args) -> int:
    from tunesmith.latent.jobs import interpolate_files

    r = interpolate_files(args.a, args.b, args.steps, args.model, args.out, args.bars, args.temperature, args.seed)
    print_pieces(r)
    return 0


def print_pieces(report: dict) -> None:
    for p in report["pieces"]:
        extra = "  ".join(f"{k} {v}" for k, v in p.items() if k.startswith("distance"))
        print(f"{p['file']}: {p['key'] or '-'}, {p['notes']} notes, in key {p['in_key_rate']}  {extra}")
    print(f"picture {report['picture']}, report {report['report']}")
