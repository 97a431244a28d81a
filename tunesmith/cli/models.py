"""`tunesmith models`: the shipped models and their cards."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("models", help="list the shipped models with their cards",
                       description="List the trained models shipped in tunesmith/shipped/, with their cards.\n\n"
                                   "example: tunesmith models --cards")
    p.add_argument("--cards", action="store_true", help="print each model's full card")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.models.checkpoint import shipped

    found = shipped()
    if not found:
        print("no shipped models yet (train one with `tunesmith train --preset NAME`)")
        return 0
    for folder, config, card in found:
        m = config.get("metrics", {})
        nll = m.get("valid_nll")
        print(f"{folder.name:<28} {config['model']['name']:<14} {config.get('params', 0):>11,} params  "
              f"valid NLL {nll if nll is None else round(nll, 4)}  unigram {round(m.get('unigram_nll') or 0, 4)}")
        if args.cards:
            print(card)
    return 0
