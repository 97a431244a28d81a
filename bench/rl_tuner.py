"""RL Tuner's statistics before and after tuning (issue 13), beside how far the model drifted and the judge:

    python bench/rl_tuner.py --model folk --model tunesmith/shipped/folk-rl --pieces 300 \
        --json out/rl.json --png docs/rl-statistics.png

For each model, `--pieces` melodies of 64 grid steps (4 bars of 4/4) sampled after the conditioning prefixes
(style, key, meter, tempo) of test-split pieces, as the tuner's rollouts are (body tokens only, temperature 1,
seed 0; tunesmith.models.rl_tuner.RLTuner.rollout), then:

  statistics   RL Tuner's (Jaques et al. 2017, table 1), computed by tunesmith.evaluation.melody on the decoded
               melodies (skyline, estimated key): notes excessively repeated, leaps resolved, starting and ending
               on the tonic; and the rules as the rewards score them (tunesmith.models.rewards, the asked key):
               notes in key, bars repeating a motif, leaps not in a long run
  drift        NLL per token of the held-out real pieces (test split, first 65,536 tokens) under the model
  judge        the melodies against the first 64 grid steps of the same test pieces (bench/judge.py)
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from judge import judge  # noqa: E402
from machine import cpu_name  # noqa: E402

STATS = ("excessive_repetition_rate", "leaps_resolved", "starts_on_tonic", "ends_on_tonic")
RULE_STATS = ("key", "motif", "leap_runs")


def prompts_and_real(arrays, n: int, steps: int, voices: int):
    """(prompts (N, 5), real bodies (N, steps * voices)) of test pieces with a full prefix and enough steps."""
    vocab = arrays.meta["vocab"]
    out, real = [], []
    for s in arrays.sequences("test"):
        s = np.asarray(s, np.int64)
        if len(s) > 5 + steps * voices and [vocab[i].split("_")[0] for i in s[1:5]] == ["Style", "Key", "Meter",
                                                                                         "Tempo"]:
            out.append(s[:5])
            real.append(s[5:5 + steps * voices])
    rows = np.random.default_rng(0).permutation(len(out))[:n]
    return np.stack(out)[rows], np.stack(real)[rows]


def evaluate_model(ref: str, prompts, real, test_ids, steps: int) -> dict:
    from tunesmith.evaluation import melody
    from tunesmith.models import build_model
    from tunesmith.models.checkpoint import find, read_config
    from tunesmith.models.rewards import RULES
    from tunesmith.representation.base import Tokenizer
    from tunesmith.training.data import evaluate

    path = find(ref)
    config = read_config(path)
    tok = Tokenizer.from_dict(config["tokenizer"])
    c = tok.config
    tuner = build_model("rl-tuner", "small", vocab_size=len(config["vocab"]), base=str(path), voices=c["voices"],
                        steps_per_quarter=c["steps_per_quarter"], low=c["low"], steps=steps)
    tuner.eval()
    torch.manual_seed(0)
    t0 = time.perf_counter()
    groups = np.array_split(prompts, max(1, len(prompts) // 50))
    rollouts = torch.cat([tuner.rollout(torch.from_numpy(g)) for g in groups])
    seconds = time.perf_counter() - t0
    scores = tuner.scores(rollouts, torch.from_numpy(prompts))
    eos = tok.vocab["EOS"]
    decoded = [tok.decode(r.tolist() + [eos]) for r in rollouts.numpy()]
    reals = [tok.decode(p.tolist() + r.tolist() + [eos]) for p, r in zip(prompts, real)]
    stats = {s: round(float(np.nanmean([getattr(melody, s)(x) for x in decoded])), 4) for s in STATS}
    stats |= {f"rule_{r}": round(float(scores[:, RULES.index(r)].mean()), 4) for r in RULE_STATS}
    real_stats = {s: round(float(np.nanmean([getattr(melody, s)(x) for x in reals])), 4) for s in STATS}
    real_scores = tuner.scores(torch.from_numpy(np.hstack([prompts, real])), torch.from_numpy(prompts))
    real_stats |= {f"rule_{r}": round(float(real_scores[:, RULES.index(r)].mean()), 4) for r in RULE_STATS}
    tokens = rollouts[:, prompts.shape[1]:].numel()
    return {"model": str(path), "tuning": config.get("tuning"), "statistics": stats, "real_statistics": real_stats,
            "test_nll": round(evaluate(tuner.policy.eval(), test_ids, 256), 4), "judge": judge(decoded, reals),
            "tokens_per_s": round(tokens / seconds, 1)}


def plot(results: dict, path: Path) -> None:
    from matplotlib.figure import Figure

    names = list(results)
    keys = list(next(iter(results.values()))["statistics"])
    labels = {"excessive_repetition_rate": "notes excessively\nrepeated", "leaps_resolved": "leaps resolved",
              "starts_on_tonic": "starts on\nthe tonic", "ends_on_tonic": "ends on\nthe tonic",
              "rule_key": "notes in the\nasked key", "rule_motif": "bars repeating\na motif",
              "rule_leap_runs": "leaps not in\na long run"}
    fig = Figure(figsize=(11, 5.0), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / (len(names) + 1)
    x = np.arange(len(keys))
    real = next(iter(results.values()))["real_statistics"]
    ax.bar(x - 0.4 + width / 2, [real.get(k, np.nan) for k in keys], width, color="0.75", label="real test pieces")
    for i, n in enumerate(names):
        r = results[n]
        ax.bar(x - 0.4 + width * (i + 1.5), [r["statistics"][k] for k in keys], width,
               label=f"{n} (held-out NLL {r['test_nll']:.3f}, judge {r['judge']['classifier_accuracy']:.2f})")
    ax.set_xticks(x, [labels.get(k, k) for k in keys], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share")
    ax.set_title("RL Tuner's statistics before and after tuning (64-step melodies after test-piece prefixes)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False)
    fig.tight_layout()
    fig.savefig(path)


def main(argv=None) -> int:
    from tunesmith.data.arrays import TokenArrays
    from tunesmith.models.checkpoint import find, read_config
    from tunesmith.training.data import resolve_data

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", action="append", required=True, help="the original, then tuned ones (repeatable)")
    p.add_argument("--pieces", type=int, default=300)
    p.add_argument("--steps", type=int, default=64)
    p.add_argument("--json")
    p.add_argument("--png")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    first = read_config(find(args.model[0]))
    arrays = TokenArrays.load(resolve_data(first["run"]["data"]))
    voices = int(first["tokenizer"]["config"]["voices"])
    prompts, real = prompts_and_real(arrays, args.pieces, args.steps, voices)
    test_ids = arrays.split("test")[:65537]
    results = {}
    for ref in args.model:
        name = Path(ref).name if Path(ref).name not in ("model", "best") else Path(ref).parent.name
        results[name] = evaluate_model(ref, prompts, real, test_ids, args.steps)
        print(name, json.dumps({k: v for k, v in results[name].items() if k not in ("model", "tuning")}))
    meta = {"date": datetime.date.today().isoformat(), "cpu": cpu_name(), "command": " ".join(sys.argv),
            "pieces": len(prompts)}
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    if args.png:
        plot(results, Path(args.png))
    return 0


if __name__ == "__main__":
    sys.exit(main())
