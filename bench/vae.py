"""The VAE's figures (issue 13), on the test split of its excerpts (never used to train or tune):

    python bench/vae.py --model tunesmith/shipped/folk-vae-2bar --lm folk --json out/vae-folk2.json \
        --kl-png docs/vae-kl-folk-2bar.png --path-png docs/vae-smoothness-folk-2bar.png

1. Reconstruction accuracy, MusicVAE's Table 1 protocol: each test excerpt encoded to its posterior mean and
   decoded; the share of grid tokens right, teacher-forced (the decoder reads the true previous tokens) and
   sampled (it reads its own choices: the most likely token at each step).
2. KL per latent dimension, averaged over the test excerpts, and the active units (Burda et al. 2016: the
   variance over excerpts of a dimension's posterior mean above 0.01): no posterior collapse when most are active.
3. Interpolation smoothness against note-space interpolation (MusicVAE section 5.2): for pairs (A, B) of test
   excerpts from different pieces, 7 points from A to B through the latent space (spherical, decoded greedily)
   and in note space (each grid token switched from A's to B's at its own random fraction, so the path moves
   monotonically too); at each point the token distance from the path's start (relative to its start-end
   distance; the latent path starts and ends at A's and B's reconstructions), the NLL per token under a
   language model trained on the corpus (`--lm`: a shipped model; how plausible the point is) and the in-key rate.
4. Samples from the prior (temperature 0.5) against real test excerpts: the judge (bench/judge.py).
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
from judge import excerpt_scores, judge  # noqa: E402
from machine import cpu_name  # noqa: E402

FRACTIONS = np.linspace(0, 1, 7)


def batches(x, size=256):
    for i in range(0, len(x), size):
        yield x[i:i + size]


def reconstruction(space, x: np.ndarray) -> dict:
    teacher, sampled = [], []
    for chunk in batches(x):
        t = torch.from_numpy(chunk)
        with torch.inference_mode():
            mu, _ = space.model.encode(t)
            teacher.append((space.model.reconstruct_logits(t, mu).argmax(-1) == t).float().mean(1).numpy())
        sampled.append((space.decode(mu.numpy(), 0.0) == chunk).mean(1))
    return {"teacher_forced": round(float(np.concatenate(teacher).mean()), 4),
            "sampled": round(float(np.concatenate(sampled).mean()), 4), "excerpts": len(x)}


def kl_per_dimension(space, x: np.ndarray) -> dict:
    mus, kls = [], []
    for chunk in batches(x):
        with torch.inference_mode():
            mu, logvar = space.model.encode(torch.from_numpy(chunk))
            kls.append(space.model.kl(mu, logvar).numpy())
        mus.append(mu.numpy())
    kl, mu = np.concatenate(kls).mean(0), np.concatenate(mus)
    active = mu.var(0) > 0.01
    return {"kl_per_dim": [round(float(v), 4) for v in kl], "kl_total": round(float(kl.sum()), 3),
            "active_units": int(active.sum()), "dimensions": len(kl)}


def lm_nll(lm, tok, bodies: np.ndarray, conds: np.ndarray) -> np.ndarray:
    """(N,) NLL per body token of each excerpt under a sequence model, after its conditioning prefix."""
    out = []
    for body, cond in zip(bodies, conds):
        prefix = [tok.vocab["BOS"]] + [int(c) for c in cond if c]
        ids = torch.tensor([prefix + body.tolist()])
        with torch.inference_mode():
            logits, _ = lm(ids[:, :-1])
        logp = torch.log_softmax(logits.float(), -1)[0, len(prefix) - 1:]
        out.append(float(-logp.gather(-1, ids[0, len(prefix):, None]).mean()))
    return np.array(out)


def smoothness(space, excerpts, lm_ref: str | None, pairs: int, seed: int = 0) -> dict:
    from tunesmith.evaluation.metrics import in_key_rate
    from tunesmith.generation.load import load
    from tunesmith.latent.space import slerp

    x, cond, rows = (np.asarray(a, np.int64) for a in (excerpts.split("test"), excerpts.conditioning("test"),
                                                        excerpts.rows("test")))
    rng = np.random.default_rng(seed)
    a = rng.choice(len(x), pairs * 4, replace=False)
    b = rng.choice(len(x), pairs * 4, replace=False)
    ok = (rows[a, 0] != rows[b, 0]) & (x[a] != x[b]).any(1)  # two different pieces
    a, b = a[ok][:pairs], b[ok][:pairs]
    lm = load(lm_ref) if lm_ref else None
    out = {}
    for kind in ("latent", "notes"):
        if kind == "latent":
            mu_a, mu_b = space.encode(x[a])[0], space.encode(x[b])[0]
            path = slerp(mu_a, mu_b, FRACTIONS)  # (T, P, D)
            ids = space.decode(path.reshape(-1, space.latent)).reshape(len(FRACTIONS), len(a), -1)
        else:
            u = rng.random(x[a].shape)
            ids = np.stack([np.where(u < f, x[b], x[a]) for f in FRACTIONS])
        start, end = ids[0], ids[-1]  # the path's own ends: A and B, or their reconstructions
        span = np.maximum((start != end).mean(1), 1e-9)
        rows_out = []
        for t, f in enumerate(FRACTIONS):
            keys = [in_key_rate(space.to_score(i[None])) for i in ids[t]]
            moved = ((ids[t] != start).mean(1) / span).mean()
            step = ((ids[t] != ids[t - 1]).mean(1) / span).mean() if t else 0.0
            row = {"fraction": round(float(f), 3), "distance_from_a": round(float(moved), 4),
                   "step_change": round(float(step), 4), "in_key_rate": round(float(np.nanmean(keys)), 4)}
            if lm is not None:
                row["lm_nll"] = round(float(lm_nll(lm.model, lm.tokenizer, ids[t], cond[a]).mean()), 4)
            rows_out.append(row)
        out[kind] = rows_out
    out["pairs"] = int(len(a))
    return out


def plot_kl(results: dict, path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.2 * len(results), 3.2), dpi=100)
    for i, (name, r) in enumerate(results.items()):
        ax = fig.add_subplot(1, len(results), i + 1)
        kl = np.sort(np.array(r["kl"]["kl_per_dim"]))[::-1]
        ax.bar(np.arange(len(kl)), kl, color="tab:blue")
        ax.set_title(f"{name}: {r['kl']['active_units']}/{r['kl']['dimensions']} active, KL {r['kl']['kl_total']:.1f}",
                     fontsize=9)
        ax.set_xlabel("latent dimension (sorted)")
        ax.set_ylabel("mean KL (nats)")
    fig.tight_layout()
    fig.savefig(path)


def plot_paths(results: dict, path: Path) -> None:
    from matplotlib.figure import Figure

    panels = [("distance_from_a", "token distance from A (of A-B)"), ("lm_nll", "NLL per token under the LM"),
              ("in_key_rate", "in-key rate")]
    fig = Figure(figsize=(12, 3.4 * len(results)), dpi=100)
    for r, (name, res) in enumerate(results.items()):
        for c, (key, label) in enumerate(panels):
            ax = fig.add_subplot(len(results), 3, r * 3 + c + 1)
            for kind, style in (("latent", "o-"), ("notes", "s--")):
                pts = res["smoothness"][kind]
                if key in pts[0]:
                    ax.plot([p["fraction"] for p in pts], [p[key] for p in pts], style,
                            label=f"{'latent (VAE)' if kind == 'latent' else 'note space'}")
            ax.set_title(f"{name}: {label}", fontsize=9)
            ax.set_xlabel("fraction of the way from A to B")
            ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def main(argv=None) -> int:
    from tunesmith.data.excerpts import Excerpts
    from tunesmith.latent.space import Space
    from tunesmith.training.data import resolve_data

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", action="append", required=True, help="a VAE (repeatable)")
    p.add_argument("--lm", action="append", default=[], help="the language model of each --model (or none)")
    p.add_argument("--pairs", type=int, default=100)
    p.add_argument("--samples", type=int, default=300)
    p.add_argument("--json")
    p.add_argument("--kl-png")
    p.add_argument("--path-png")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    results = {}
    for i, ref in enumerate(args.model):
        t0 = time.perf_counter()
        space = Space.load(ref)
        excerpts = Excerpts.load(resolve_data(space.config["run"]["data"]))
        x = np.asarray(excerpts.split("test"), np.int64)
        real, _ = excerpt_scores(excerpts, "test", args.samples, seed=1)
        z = np.random.default_rng(0).standard_normal((args.samples, space.latent)).astype(np.float32)
        prior = [space.to_score(s[None]) for s in space.decode(z, 0.5, seed=0)]
        lm = args.lm[i] if i < len(args.lm) and args.lm[i] != "none" else None
        results[space.name] = {
            "model": str(space.path), "params": space.model.num_params(), "steps": space.config["step"],
            "valid_elbo_nll": space.config["metrics"]["best_valid_nll"], "layout": space.layout,
            "reconstruction": reconstruction(space, x), "kl": kl_per_dimension(space, x),
            "smoothness": smoothness(space, excerpts, lm, args.pairs), "prior_judge": judge(prior, real),
            "seconds": None}
        results[space.name]["seconds"] = round(time.perf_counter() - t0, 1)
        r = results[space.name]
        print(f"{space.name}: recon teacher-forced {r['reconstruction']['teacher_forced']:.3f} sampled "
              f"{r['reconstruction']['sampled']:.3f}; KL {r['kl']['kl_total']} nats, {r['kl']['active_units']}/"
              f"{r['kl']['dimensions']} active; prior judge {r['prior_judge']}")
        for kind in ("latent", "notes"):
            print(f"  {kind}: " + "  ".join(f"{q['fraction']:.2f}: d {q['distance_from_a']:.2f} nll "
                                           f"{q.get('lm_nll', float('nan')):.2f} key {q['in_key_rate']:.2f}"
                                           for q in r["smoothness"][kind]))
    meta = {"date": datetime.date.today().isoformat(), "cpu": cpu_name(), "command": " ".join(sys.argv)}
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    if args.kl_png:
        plot_kl(results, Path(args.kl_png))
    if args.path_png:
        plot_paths(results, Path(args.path_png))
    return 0


if __name__ == "__main__":
    sys.exit(main())
