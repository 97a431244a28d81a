"""Prepare the data, train a VAE preset and ship it (weights + config + attribute vectors + card) to
tunesmith/shipped/<preset>/.

    python scripts/ship_vae.py folk-vae-2bar --minutes 10        # steps from a throughput measurement
    python scripts/ship_vae.py folk-vae-2bar --steps 2400        # the card's command: the same run again
    python scripts/ship_vae.py folk-vae-2bar --reuse             # ship runs/<preset>/ as trained

The run is `tunesmith train --preset <preset> --set train.max_steps=N --out runs/<preset>`, the steps fixed so
that the schedule (warm-up, cosine, the KL ramp) is a function of the step and the card's command reproduces it.
The model with the best validation bound (negative ELBO per token) ships, with MusicVAE's attribute vectors
computed from 4,096 of its training excerpts (tunesmith.latent.attributes).
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = {  # preset -> the commands that prepare its excerpts
    "folk-vae-2bar": [["data", "prepare", "--corpus", "folk"],
                      ["data", "tokenize", "--corpus", "folk", "--representation", "voicegrid", "--param", "voices=1",
                       "--transpose=-2:2"],
                      ["data", "excerpts", "--tokens", "folk-voices1-voicegrid", "--bars", "2"]],
    "folk-vae-4bar": [["data", "prepare", "--corpus", "folk"],
                      ["data", "tokenize", "--corpus", "folk", "--representation", "voicegrid", "--param", "voices=1",
                       "--transpose=-2:2"],
                      ["data", "excerpts", "--tokens", "folk-voices1-voicegrid", "--bars", "4"]],
    "chorales-vae-2bar": [["data", "prepare", "--corpus", "chorales"],
                          ["data", "tokenize", "--corpus", "chorales", "--representation", "voicegrid"],
                          ["data", "excerpts", "--tokens", "chorales-voicegrid", "--bars", "2", "--meters", "4/4"]],
}


def tunesmith(*args) -> None:
    subprocess.run([sys.executable, "-m", "tunesmith", *args], check=True, cwd=ROOT)


def card(name: str, config: dict, vectors: dict, steps: int, reproduce: str) -> str:
    m, layout, metrics = config["model"], config["data"]["excerpts"], config["metrics"]
    c = m["config"]
    attrs = ", ".join(f"`{k}` ({v['what']}; {v['with']} against {v['without']} excerpts)" for k, v in vectors.items())
    return f"""# {name}

A MusicVAE-style variational autoencoder (Roberts et al. 2018) over {layout['bars']}-bar excerpts of
{', '.join(layout['meters'])}, {layout['voices']} voice(s), {layout['steps_per_bar']} grid steps a bar
(`{config['run']['data']}`; source: {json.dumps(config['data'].get('source', {}).get('corpora', []))}).

- **model**: `vae`, {config.get('params', 0):,} parameters: a bidirectional LSTM encoder ({c['enc_hidden']} a
  direction) to a {c['latent']}-dimensional Gaussian, an LSTM decoder ({c['dec_layers']} x {c['dec_hidden']}) fed z
  at every step; KL weight ramped to {c['beta']} over {c['beta_steps']} steps, {c['free_bits']} free nats
- **training**: {steps} steps of {config['run']['train']['batch_size']} excerpts ({datetime.date.today()}, 2-core CPU)
- **validation**: negative ELBO {metrics['best_valid_nll']:.4f} nats/token (an upper bound on the NLL; unigram
  {metrics['unigram_nll']:.4f})
- **attribute vectors** (`attributes.json`): {attrs or 'none'}

Use it with `tunesmith interpolate A B --model {name}`, `tunesmith vary PIECE --model {name} --amount 0.3
[--attribute denser]` and `tunesmith sample --model {name}`; it composes nothing by itself (`tunesmith compose`
needs a sequence model). Its figures (reconstruction accuracy, KL per dimension, interpolation smoothness) are in
bench/RESULTS.md (`python bench/vae.py`).

## Reproduce

    {reproduce}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("preset", choices=list(DATA))
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--steps", type=int, help="training steps (default: what fits in --minutes here)")
    ap.add_argument("--reuse", action="store_true", help="ship runs/<preset>/ as already trained")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from tunesmith.data.excerpts import Excerpts
    from tunesmith.latent import attributes
    from tunesmith.latent.space import Space
    from tunesmith.models.checkpoint import read_config, ship
    from tunesmith.training import load_preset
    from tunesmith.training.budget import steps_for
    from tunesmith.training.data import resolve_data

    run_dir = ROOT / "runs" / args.preset
    if not args.reuse:
        try:
            resolve_data(load_preset(args.preset).data)  # prepared already: tokenizing again would only rewrite it
        except Exception:
            for cmd in DATA[args.preset]:
                tunesmith(*cmd)
        steps = args.steps or steps_for(load_preset(args.preset), args.minutes)
        tunesmith("train", "--preset", args.preset, "--set", f"train.max_steps={steps}", "--set",
                  "train.max_minutes=0", "--out", str(run_dir), "--no-progress")
    config = read_config(run_dir / "best")
    steps = config["run"]["train"]["max_steps"]
    dest = ROOT / "tunesmith" / "shipped" / args.preset
    ship(run_dir / "best", dest, args.preset)
    space = Space.load(str(dest))
    vectors = attributes.attribute_vectors(space, Excerpts.load(resolve_data(config["run"]["data"])))
    attributes.save(vectors, dest)
    reproduce = f"python scripts/ship_vae.py {args.preset} --steps {steps}"
    (dest / "MODEL_CARD.md").write_text(card(args.preset, config, vectors, config["step"], reproduce))
    print(f"shipped {dest}: {config['params']:,} parameters, bound {config['metrics']['best_valid_nll']:.4f}")


if __name__ == "__main__":
    main()
