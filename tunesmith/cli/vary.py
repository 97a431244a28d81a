"""`tunesmith vary PIECE --amount 0.3` (variations near a piece, optionally toward an attribute) and
`tunesmith sample` (pieces from a VAE's prior)."""

from __future__ import annotations


def register(sub) -> None:
    import argparse

    from tunesmith.cli.interpolate import add_common

    p = sub.add_parser("vary", help="variations near a piece, or toward an attribute (a VAE's latent space)",
                       description="Encode a piece with a VAE, move its code by noise of the given amount (and "
                                   "toward an attribute: denser, higher, irish, scottish, chinese, minor) and decode."
                                   "\n\nexamples:\n"
                                   "  tunesmith vary tune.mid --amount 0.3 -n 4\n"
                                   "  tunesmith vary tune.mid --amount 0 --attribute denser --strength 1.5",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("piece")
    p.add_argument("--amount", type=float, default=0.3, help="noise in prior units (0.3 near, 1 far; default 0.3)")
    p.add_argument("-n", type=int, default=4, help="variations (default 4)")
    p.add_argument("--attribute", help="an attribute vector to add (the model's list: attributes.json)")
    p.add_argument("--strength", type=float, default=1.0, help="times the attribute vector (default 1)")
    add_common(p)
    p.set_defaults(func=run_vary)

    s = sub.add_parser("sample", help="pieces decoded from a VAE's prior")
    s.add_argument("-n", type=int, default=8)
    s.add_argument("--model", default="folk-vae-2bar")
    s.add_argument("--temperature", type=float, default=0.5, help="sampling temperature (0: most likely notes)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("-o", "--out", default="out")
    s.set_defaults(func=run_sample)


def run_vary(args) -> int:
    from tunesmith.cli.interpolate import print_pieces
    from tunesmith.latent.jobs import vary_files

    print_pieces(vary_files(args.piece, args.amount, args.n, args.model, args.out, args.bars, args.attribute,
                            args.strength, args.temperature, args.seed))
    return 0


def run_sample(args) -> int:
    from tunesmith.cli.interpolate import print_pieces
    from tunesmith.latent.jobs import sample_files

    print_pieces(sample_files(args.n, args.model, args.out, args.temperature, args.seed))
    return 0
