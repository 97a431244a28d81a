"""Tune a shipped model with music-theory rewards (RL Tuner, `tunesmith tune-rl`) and ship the tuned model
(weights + config + originality index + card) to tunesmith/shipped/<base>-rl/.

    python scripts/ship_rl.py folk --minutes 10          # as many updates as fit in 10 minutes here
    python scripts/ship_rl.py folk --steps 180           # the card's command: the same run again, update for update
    python scripts/ship_rl.py folk --reuse               # ship runs/<base>-rl/model as tuned
    python scripts/ship_rl.py folk --kl 0.5              # reward units per nat of KL to the original
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def card(name: str, config: dict, reproduce: str) -> str:
    t, m = config["tuning"], config["metrics"]
    rewards = ", ".join(f"{k} {v:g}" for k, v in t["rewards"].items() if v)
    train = t["run"]["train"]
    return f"""# {name}

The shipped `{Path(t['base']).name}` model ({config['model']['name']}, {config.get('params', 0):,} parameters)
fine-tuned with music-theory rewards: RL Tuner (Jaques et al. 2017) as tunesmith.models.rl_tuner does it,
REINFORCE with a leave-one-out baseline over rollouts of {t['rollout_steps']} grid steps after the conditioning
prefixes of training pieces, and the exact KL to the frozen original ({t['kl']:g} reward units per nat).

- **rewards** (each in [0, 1], weights): {rewards}
- **tuning**: {t['steps']} updates of {train['batch_size']} rollouts, learning rate {train['lr']:g}
  ({datetime.date.today()}, 2-core CPU)
- **held-out NLL** (the first {train['eval_tokens']:,} validation tokens): {m['valid_nll']:.4f} nats/token after,
  {m['base_valid_nll']:.4f} before: how far it drifted from the corpus
- **composing**: as the original (`tunesmith compose --model {name}`), with its tuned settings; the originality
  index is the original's (the same training pieces)

RL Tuner's statistics before and after, beside the drift and the judge: bench/RESULTS.md (`python
bench/rl_tuner.py`).

## Reproduce

    {reproduce}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base", help="a shipped model, e.g. folk")
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--steps", type=int, help="updates (default: what fits in --minutes here)")
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--kl", type=float, help="reward units per nat of KL to the original (tune-rl's default if unset)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from tunesmith.atomic import atomic_folder
    from tunesmith.models.checkpoint import read_config

    name = f"{args.base}-rl"
    run = ROOT / "runs" / name
    if not args.reuse:
        cmd = ["tune-rl", "--model", args.base, "--out", str(run), "--no-progress"]
        cmd += ["--max-steps", str(args.steps), "--minutes", "1440"] if args.steps else ["--minutes", str(args.minutes)]
        cmd += ["--kl", str(args.kl)] if args.kl is not None else []
        subprocess.run([sys.executable, "-m", "tunesmith", *cmd], check=True, cwd=ROOT)
    config = read_config(run / "model")
    steps = config["tuning"]["steps"]
    reproduce = f"python scripts/ship_rl.py {args.base} --steps {steps} --kl {config['tuning']['kl']:g}"
    import shutil

    with atomic_folder(ROOT / "tunesmith" / "shipped" / name) as tmp:
        for item in (run / "model").iterdir():
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, tmp / item.name)
        (tmp / "MODEL_CARD.md").write_text(card(name, config, reproduce))
    print(f"shipped tunesmith/shipped/{name}: {steps} updates, held-out NLL {config['metrics']['valid_nll']:.4f}")


if __name__ == "__main__":
    main()
