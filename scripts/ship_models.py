"""Train the LSTM and the Transformer on one corpus for the same wall-clock budget, compare their validation
NLL per token, and ship the better one (weights + config + card) to tunesmith/shipped/<corpus>/.

    python scripts/ship_models.py chorales --minutes 8
    python scripts/ship_models.py folk --minutes 8
    python scripts/ship_models.py chorales --families transformer --steps 3000   # the preset's run, no contest

Steps are fixed from a short throughput measurement (or given), so that the schedule is a function of the
step and the run is reproducible from the exact `tunesmith train` command recorded in the card.
`--reuse` ships runs/<preset>/ as already trained by that command instead of training again.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = {  # corpus -> (prepare, tokenize) arguments
    "chorales": (["--corpus", "chorales"], ["--corpus", "chorales", "--representation", "voicegrid"]),
    "folk": (["--corpus", "folk"], ["--corpus", "folk", "--representation", "voicegrid", "--param", "voices=1",
                                    "--transpose=-2:2"]),
}
FAMILIES = ("lstm", "transformer")
PROGRAMS = {"chorales": [52, 52, 52, 52], "folk": [40]}
# the settings of `tunesmith compose` tuned for each model: the sweeps of bench/compose_quality.py in
# bench/RESULTS.md (the most composed pieces inside the range of the real validation pieces)
TUNED = {"chorales": {"key_penalty": 0.5, "hold_penalty": 0.25, "top_p": 1.0, "barline_penalty": 0.5},
         "folk": {"key_penalty": 2.0, "hold_penalty": 0.25, "top_p": 0.95, "barline_penalty": 2.0}}


def tunesmith(*args) -> None:
    subprocess.run([sys.executable, "-m", "tunesmith", *args], check=True)


def full_valid_nll(folder: Path) -> tuple[float, int]:
    """Validation NLL per token (nats) of a checkpoint over the whole valid split, and the token count."""
    import torch

    from tunesmith.data.arrays import TokenArrays
    from tunesmith.models.checkpoint import load_model, read_config
    from tunesmith.training.data import evaluate

    model, _, config = load_model(folder)
    arrays = TokenArrays.load(read_config(folder)["data"]["folder"])
    valid = arrays.split("valid")
    with torch.inference_mode():
        nll = evaluate(model, valid, config["run"]["train"]["block_size"], 16)
    return float(nll), int(valid.size)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", choices=sorted(DATA))
    ap.add_argument("--minutes", type=float, default=8.0, help="training budget per model (wall clock)")
    ap.add_argument("--families", default=",".join(FAMILIES), help="comma-separated, from " + ", ".join(FAMILIES))
    ap.add_argument("--steps", type=int, help="training steps of every family (default: what fits in --minutes)")
    ap.add_argument("--reuse", action="store_true", help="ship runs/<preset>/ as trained, do not train again")
    ap.add_argument("--settings-only", action="store_true",
                    help="only write the tuned compose settings and the key prior into the shipped model's config")
    args = ap.parse_args()
    if args.settings_only:
        write_settings(ROOT / "tunesmith" / "shipped" / args.corpus, args.corpus)
        return
    families = [f for f in args.families.split(",") if f]
    if not families or set(families) - set(FAMILIES):
        ap.error(f"--families: choose from {', '.join(FAMILIES)}")

    from tunesmith.training import load_preset
    from tunesmith.training.budget import steps_for

    prep, tok = DATA[args.corpus]
    tunesmith("data", "prepare", *prep)
    tunesmith("data", "tokenize", *tok)

    rows = []
    for fam in families:
        preset = f"{args.corpus}-{fam}"
        out = ROOT / "runs" / preset
        if args.reuse:  # the steps it was trained for
            steps = json.loads((out / "best" / "config.json").read_text())["run"]["train"]["max_steps"]
        else:
            steps = args.steps or steps_for(load_preset(preset), args.minutes)
        cmd = ["train", "--preset", preset, "--set", f"train.max_steps={steps}", "--out", f"runs/{preset}"]
        if args.reuse:
            wall = None  # trained earlier, by the same command: its wall clock is not recorded here
        else:
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            tunesmith(*cmd)
            wall = time.perf_counter() - t0
        nll, tokens = full_valid_nll(out / "best")
        config = json.loads((out / "best" / "config.json").read_text())
        rows.append({"family": fam, "preset": preset, "steps": steps, "best_step": config["step"],
                     "wall_minutes": round(wall / 60, 2) if wall else "n/a", "valid_nll": nll, "valid_tokens": tokens,
                     "unigram_nll": config["metrics"].get("unigram_nll"), "params": config.get("params"),
                     "command": "tunesmith " + " ".join(cmd)})
        print(json.dumps(rows[-1]), flush=True)

    best = min(rows, key=lambda r: r["valid_nll"] if math.isfinite(r["valid_nll"]) else math.inf)
    reproduce = f"python scripts/ship_models.py {args.corpus} --families {','.join(families)} " + (
        f"--steps {rows[0]['steps']}" if args.steps or args.reuse else f"--minutes {args.minutes:g}")
    ship(args.corpus, best, rows, args.minutes, reproduce)


STRUCTURE = {  # what the composer adds to the model's notes (tunesmith/generation/structure.py, part_writing.py)
    "chorales": "Pieces have Bach's form: every voice enters together on the tonic chord (after a one-beat pickup "
                "in 71% of pieces), two-bar phrases end under fermatas on I from V7, on V, or on the relative "
                "key's chord, the last on I from V7 (on a chord the model chooses in 15%); no parallel fifths or "
                "octaves, nothing crosses the melody or the bass, a voice rests a beat at most.",
    "folk": "Tunes take a form such as AA'BB' or ABA'C (a repeated phrase comes back note for note but for a new "
            "last bar; 30% are through-composed), open within the first bar, and rarely tie a note over a bar "
            "line.",
}


def composing(corpus: str) -> str:
    """The card's "Composing" section: the tuned settings, the key prior and the structure added."""
    import textwrap

    text = (f"`tunesmith compose --model {corpus}` uses the settings tuned for this model unless told otherwise: "
            f"{', '.join(f'{k} {v:g}' for k, v in TUNED[corpus].items())} (penalties in nats; see the sweeps in "
            "bench/RESULTS.md). A key left open is drawn from the keys of the training pieces of the chosen "
            f"style (`compose.keys` in config.json). {STRUCTURE[corpus]} How the composed pieces compare with "
            "the real ones: `python bench/musicianship.py` (table in bench/RESULTS.md).")
    return f"## Composing\n\n{textwrap.fill(text, 110)}\n"


def write_settings(dest: Path, corpus: str) -> None:
    """The compose settings tuned for the corpus's model, and the keys of its training pieces to draw an open key
    from (tunesmith.data.stats.key_prior), into the shipped model's config.json; the card's "Composing"
    section to match."""
    import re

    from tunesmith.data.stats import key_prior
    from tunesmith.models.checkpoint import CARD, CONFIG

    config = json.loads((dest / CONFIG).read_text())
    config["compose"] = {"programs": PROGRAMS[corpus], **TUNED[corpus], "keys": key_prior(corpus)}
    (dest / CONFIG).write_text(json.dumps(config, indent=1))
    if (dest / CARD).is_file():
        card = (dest / CARD).read_text()
        (dest / CARD).write_text(re.sub(r"## Composing\n.*?(?=\n## )", composing(corpus), card, flags=re.S))


def ship(corpus: str, best: dict, rows: list[dict], minutes: float, reproduce: str) -> None:
    from tunesmith.models.checkpoint import CARD, CONFIG
    from tunesmith.models.checkpoint import ship as copy_checkpoint

    dest = ROOT / "tunesmith" / "shipped" / corpus
    copy_checkpoint(ROOT / "runs" / best["preset"] / "best", dest, corpus)
    write_settings(dest, corpus)
    config = json.loads((dest / CONFIG).read_text())
    config["metrics"]["valid_nll_full"] = best["valid_nll"]
    (dest / CONFIG).write_text(json.dumps(config, indent=1))
    prep, tok = DATA[corpus]
    table = "\n".join(
        f"| {r['family']} | {r['params']:,} | {r['steps']} | {r['best_step']} | {r['wall_minutes']} | "
        f"{r['valid_nll']:.4f} | {r['unigram_nll']:.4f} |" for r in rows)
    card = (dest / CARD).read_text()
    eval_tokens = config["run"]["train"].get("eval_tokens")
    if eval_tokens:  # training tracked a prefix of valid: say which figure is which
        card = card.replace("- **validation NLL**:", f"- **validation NLL** (first {eval_tokens:,} valid tokens, as "
                            f"tracked in training; whole split: {best['valid_nll']:.4f}):")
    if len(rows) > 1:
        how = f"""The {' and the '.join(r['family'] for r in rows)} were trained on the same data for the same
wall-clock budget (~{minutes:g} minutes each, steps fixed from a throughput measurement) on a 2-core CPU
({datetime.date.today()}); the one with the lower validation NLL per token over the whole valid split
({best['valid_tokens']:,} tokens) ships."""
    else:
        how = f"""Only the {best['family']} was trained ({datetime.date.today()}, 2-core CPU; the family won the earlier
equal-budget contests in bench/RESULTS.md). Its validation NLL per token is over the whole valid split
({best['valid_tokens']:,} tokens)."""
    card += f"""
## How it was chosen

{how}

| family | parameters | steps | best step | wall minutes | valid NLL (nats/token) | unigram NLL |
|---|---|---|---|---|---|---|
{table}

Shipped: **{best['family']}**, validation NLL {best['valid_nll']:.4f} nats/token.

{composing(corpus)}
## Reproduce

One command: `{reproduce}` (prepares and tokenizes the data, trains, ships). The shipped run
alone:

    tunesmith data prepare {' '.join(prep)}
    tunesmith data tokenize {' '.join(tok)}
    {best['command']}
"""
    (dest / CARD).write_text(card)
    from ship_index import ship_index  # scripts/ is on the path of a script run from it

    ship_index(dest)  # after the copy, which replaced the folder and its index
    print((dest / CARD).read_text())


if __name__ == "__main__":
    main()
