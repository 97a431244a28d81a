"""Every family on one corpus and one judge (issue 13): RNN, LSTM, GRU, attention RNN, Transformer, VAE, GAN and
the RL-tuned Transformer, on the folk tunes (one voice, voice grid), judged on 4-bar melodies of 4/4 or 2/2.

    python bench/families.py train lstm --minutes 5         # one family (run each under the training lock)
    python bench/families.py evaluate --rl tunesmith/shipped/folk-rl --json out/families.json

Training: each family's folk preset (folk-lstm with cell rnn/lstm/gru, folk-attention-rnn, folk-transformer,
folk-vae-4bar, folk-gan-4bar) for the same wall-clock minutes, its steps fixed by a throughput measurement so that
the schedule is complete (tunesmith.training.budget); the sequence models on whole tunes, the VAE and the GAN on
4-bar excerpts of the same tunes. The RL-tuned model is the shipped folk Transformer tuned by `tunesmith tune-rl`
(its minutes are the base's plus the tuning's). Seq2Seq is a conditional model (it writes a voice or bars given
a source) and composes nothing from nothing: it is not in this table.

Columns, all on the test split (never used to train or tune):
  NLL        nats per token of the 4-bar test excerpts: a sequence model's after the excerpt's conditioning prefix
             (style, key, meter, tempo), the GAN generator's and the VAE's after BOS alone; the VAE's is its
             negative ELBO, an upper bound (marked <=)
  judge      300 melodies of 64 grid steps against 300 real 4-bar test excerpts (bench/judge.py): the metrics
             classifier's balanced accuracy (0.5 = cannot tell them apart) and the mean overlap of the metrics
  diversity  distinct note 4-grams over all, and the mean token distance between two melodies (mode collapse:
             both far below the real excerpts')
  originality the mean and largest longest run of notes shared with a training piece
  tokens/s   sampling 50 melodies at once on one thread; parameters; training minutes
Sampling: temperature 1 for every family, body tokens only, after the conditioning prefix of a real test excerpt
(the VAE from its prior, the GAN from BOS).
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
from judge import diversity, excerpt_scores, judge, originality  # noqa: E402
from machine import cpu_name  # noqa: E402

PRESETS = {
    "rnn": ("folk-lstm", ['model.cell="rnn"']), "lstm": ("folk-lstm", []), "gru": ("folk-lstm", ['model.cell="gru"']),
    "attention-rnn": ("folk-attention-rnn", ["train.eval_tokens=65536"]), "transformer": ("folk-transformer", []),
    # the GAN's MLE pre-training cut from 600 to 200 steps: in a few minutes' budget its adversarial phase must
    # start, or the row is only its pre-trained generator (at 2 minutes, 365 steps, it never did)
    "vae": ("folk-vae-4bar", []), "gan": ("folk-gan-4bar", ["model.pretrain_steps=200"]),
}
EXCERPTS = "folk-voices1-voicegrid-4bar"
STEPS = 64


def train_family(name: str, minutes: float, out: Path) -> dict:
    from tunesmith.training import load_preset, train
    from tunesmith.training.budget import steps_for

    preset, overrides = PRESETS[name]
    run = load_preset(preset, overrides)
    steps = steps_for(run, minutes)
    fixed = [f"train.max_steps={steps}", f"train.max_minutes={minutes * 1.2}", f"train.eval_every={max(1, steps // 5)}",
             f"train.checkpoint_every={max(1, steps // 5)}", "train.warmup_steps=" + str(min(100, steps // 10))]
    run = load_preset(preset, [*overrides, *fixed])
    t0 = time.perf_counter()
    r = train(run, out / name)
    record = {"family": name, "preset": preset, "overrides": overrides + fixed, "steps": r.step,
              "minutes": round((time.perf_counter() - t0) / 60, 2), "valid_nll": r.best_valid_nll}
    (out / name / "wall.json").write_text(json.dumps(record, indent=1))
    return record


@torch.no_grad()
def sample_after(model, prompts: torch.Tensor, tokens: int, body_start: int) -> torch.Tensor:
    """(B, tokens) body tokens sampled at temperature 1 after each prompt (B, P)."""
    state = model.init_state(prompts.size(0))
    logits, state = model.forward_incremental(prompts, state)
    out = []
    for i in range(tokens):
        x = logits[:, -1].float()
        x[:, :body_start] = -float("inf")
        nxt = torch.multinomial(torch.softmax(x, -1), 1)
        out.append(nxt)
        if i + 1 < tokens:
            logits, state = model.forward_incremental(nxt, state)
    return torch.cat(out, 1)


@torch.no_grad()
def excerpt_nll(model, x: np.ndarray, cond: np.ndarray) -> float:
    """Mean NLL per token of excerpts x (N, L): latent and excerpt models by their own measure, sequence models
    after each excerpt's conditioning prefix."""
    total = 0.0
    for i in range(0, len(x), 128):
        xb = torch.from_numpy(x[i:i + 128])
        if hasattr(model, "excerpt_nll"):
            total += float(model.excerpt_nll(xb).double().sum())
            continue
        prefix = torch.cat([torch.ones(len(xb), 1, dtype=torch.long), torch.from_numpy(cond[i:i + 128])], 1)
        ids = torch.cat([prefix, xb], 1)
        logits, _ = model(ids[:, :-1])
        logp = torch.log_softmax(logits.float(), -1)[:, prefix.size(1) - 1:]
        total += float(-logp.gather(-1, xb[..., None]).sum())
    return total / x.size


def evaluate_family(name: str, folder: Path, prompts, real_ids, real_cond, real_scores, tok, index) -> dict:
    from tunesmith.latent.space import Space
    from tunesmith.models.checkpoint import load_model

    model, _, config = load_model(folder)
    torch.manual_seed(0)
    body_start = tok.rest_id
    t0 = time.perf_counter()
    if name == "vae":
        space = Space.load(str(folder))
        z = np.random.default_rng(0).standard_normal((len(prompts), space.latent)).astype(np.float32)
        ids = space.decode(z, temperature=1.0, seed=0)
    elif name == "gan":
        ids = torch.cat([model.sample(len(g), STEPS) for g in np.array_split(prompts, len(prompts) // 50)]).numpy()
    else:
        ids = torch.cat([sample_after(model, torch.from_numpy(g), STEPS, body_start)
                         for g in np.array_split(prompts, len(prompts) // 50)]).numpy()
    speed = ids.size / (time.perf_counter() - t0)
    eos = tok.vocab["EOS"]
    scores = [tok.decode(list(p) + list(x) + [eos]) for p, x in zip(prompts.tolist(), ids.tolist())]
    nll = excerpt_nll(model, real_ids, real_cond)
    return {"nll": round(nll, 4), "nll_bound": name == "vae", **judge(scores, real_scores),
            **diversity(ids, tok.first_pitch_id), **originality(scores, index), "tokens_per_s": round(speed, 1),
            "params": model.num_params(), "steps": config["step"]}


def plot_gan(run: Path, path: Path) -> None:
    """The GAN's curves: the discriminator's mean belief in real and in fake excerpts, the generator's NLL of
    real ones (training and validation), and the adversarial weight, by step."""
    import csv

    from matplotlib.figure import Figure

    series: dict[str, list] = {}
    with open(run / "metrics.csv") as f:
        for s, m, v in list(csv.reader(f))[1:]:
            series.setdefault(m, []).append((int(s), float(v)))
    fig = Figure(figsize=(11, 3.6), dpi=100)
    ax = fig.add_subplot(1, 2, 1)
    for key, label in (("train/d_real", "D(real)"), ("train/d_fake", "D(fake)"), ("train/adversarial",
                                                                                    "adversarial weight")):
        if key in series:
            ax.plot(*zip(*series[key]), label=label)
    ax.set_xlabel("step")
    ax.set_title("discriminator", fontsize=10)
    ax.legend(fontsize=8)
    ax = fig.add_subplot(1, 2, 2)
    for key, label in (("train/mle", "generator NLL, training batches"), ("valid/nll", "generator NLL, validation")):
        if key in series:
            ax.plot(*zip(*series[key]), "-" if key.startswith("train") else "o-", label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("nats/token")
    ax.set_title("generator", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def row(name: str, r: dict) -> str:
    """One line of the markdown table ("-" where a figure does not apply)."""
    nll = f"{'<= ' if r.get('nll_bound') else ''}{r['nll']:.3f}" if "nll" in r else "-"
    params = f"{r['params']:,}" if "params" in r else "-"
    cells = [name, params, r.get("minutes") or "-", nll, f"{r['classifier_accuracy']:.3f}", f"{r['overlap']:.3f}",
             f"{r['distinct_4grams']:.3f}", f"{r['pairwise_distance']:.3f}",
             f"{r['mean_longest_run']:.1f} / {r['max_longest_run']}", r.get("tokens_per_s", "-")]
    return "| " + " | ".join(str(c) for c in cells) + " |"


def main(argv=None) -> int:
    from tunesmith.data.excerpts import Excerpts
    from tunesmith.evaluation.corpus_index import model_index
    from tunesmith.generation.load import SHIPPED
    from tunesmith.training.data import resolve_data

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", required=True)
    t = sub.add_parser("train")
    t.add_argument("family", choices=list(PRESETS))
    t.add_argument("--minutes", type=float, default=5.0)
    t.add_argument("--out", default="runs/families")
    e = sub.add_parser("evaluate")
    e.add_argument("--out", default="runs/families")
    e.add_argument("--rl", help="the RL-tuned model (tune-rl's OUT/model or a shipped one)")
    e.add_argument("--pieces", type=int, default=300)
    e.add_argument("--json")
    e.add_argument("--gan-png", help="the GAN's training curves, drawn from its run's metrics")
    args = p.parse_args(argv)
    out = Path(args.out)
    if args.action == "train":
        print(json.dumps(train_family(args.family, args.minutes, out)))
        return 0
    torch.set_num_threads(1)
    excerpts = Excerpts.load(resolve_data(EXCERPTS))
    tok = excerpts.tokenizer()
    real_scores, real_ids = excerpt_scores(excerpts, "test", args.pieces, seed=1)
    gen_rows = np.random.default_rng(2).choice(excerpts.count("test"), args.pieces, replace=False)
    cond = np.asarray(excerpts.conditioning("test"), np.int64)
    prompts = np.hstack([np.ones((args.pieces, 1), np.int64), cond[gen_rows]])
    x_all = np.asarray(excerpts.split("test"), np.int64)
    index = model_index(SHIPPED / "folk")
    other, _ = excerpt_scores(excerpts, "valid", args.pieces, seed=3)
    results = {"real (valid excerpts)": {**judge(other, real_scores), **diversity(real_ids, tok.first_pitch_id),
                                         **originality(real_scores, index)}}
    runs = {f: out / f / "best" for f in PRESETS if (out / f / "best").is_dir()}
    if args.rl:
        from tunesmith.models.checkpoint import find

        runs["rl-tuned"] = find(args.rl)
    for name, folder in runs.items():
        r = evaluate_family(name, folder, prompts, x_all, cond, real_scores, tok, index)
        wall = out / name / "wall.json"
        r["minutes"] = json.loads(wall.read_text())["minutes"] if wall.is_file() else None
        results[name] = r
        print(name, json.dumps(r))
    meta = {"date": datetime.date.today().isoformat(), "cpu": cpu_name(), "command": " ".join(sys.argv),
            "pieces": args.pieces, "excerpts": EXCERPTS}
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    print("| family | params | train min | NLL/token (test 4-bar) | judge acc | overlap | distinct 4-grams | "
          "pair distance | longest shared run (mean/max) | tokens/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(row(name, r))
    if args.gan_png and (out / "gan" / "metrics.csv").is_file():
        plot_gan(out / "gan", Path(args.gan_png))
    return 0


if __name__ == "__main__":
    sys.exit(main())
