"""The one trainer: AdamW, warmup + cosine schedule, gradient clipping, mixed precision, periodic evaluation,
early stopping, checkpoints, exact resume and data parallelism. Losses live with the models: the trainer
calls only `model.training_step(batch) -> (loss, logs)`, on batches from the data source of the model's
`data_kind` (tunesmith.training.sources), so a family with another loss or other data needs no trainer of its own.

    from tunesmith.training import load_preset, train
    result = train(load_preset("chorales-lstm", ["train.max_steps=2000"]), out="runs/lstm")
    result.model, result.valid_nll, result.unigram_nll      # the trained model, nats/token

Exact resume: a checkpoint holds the weights, the optimizer moments, the step (the schedule is a function of
it), every rank's random state and the data sampler's generator, so that a run killed and resumed takes
the same steps as one never interrupted (the logged training loss too, when checkpoint_every is a multiple of
log_every: it is averaged over each logging interval).
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import math
import shutil
import time
from pathlib import Path

import torch

from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.models import MODELS, checkpoint
from tunesmith.training import distributed
from tunesmith.training.config import RunConfig
from tunesmith.training.data import resolve_data
from tunesmith.training.metrics import MetricsLog
from tunesmith.training.schedule import lr_at
from tunesmith.training.sources import open_source

log = logging.getLogger(__name__)


def native_bf16_cpu() -> bool:
    """Whether this CPU multiplies bf16 natively (AMX or AVX512-BF16); without, bf16 is emulated and slower."""
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def use_bf16(precision: str, device: torch.device) -> bool:
    """bf16 autocast for "bf16"; "auto" means bf16 on a CUDA device that supports it and fp32 on every CPU.

    Why fp32 on CPUs even with native bf16 (AVX512-BF16, AMX): a run must give the same model on any x86-64
    machine (a shipped model is reproduced by its card's command, a test compares runs), and "auto" switching
    precision with the CPU model would make the arithmetic depend on it. And it is not always faster: on an AMD
    EPYC with AVX512-BF16 (bench/RESULTS.md, 2026-11-30) the small Transformer trained 1.58x faster in bf16,
    the LSTM 4.4x slower (oneDNN has no fast bf16 LSTM there). Ask for bf16 by name to take that speed-up."""
    if precision not in ("auto", "fp32", "bf16"):
        raise ConfigError(f"unknown precision {precision!r}; valid: auto, fp32, bf16")
    if precision == "bf16" and device.type == "cpu" and not native_bf16_cpu():
        log.warning("bf16 on this CPU is emulated (no AMX or AVX512-BF16): far slower than fp32, and oneDNN "
                    "has no bf16 LSTM here")
    if precision != "auto":
        return precision == "bf16"
    return device.type == "cuda" and torch.cuda.is_bf16_supported()


def make_optimizer(model, t) -> torch.optim.AdamW:
    """AdamW; matrices decay, biases, norms and gains do not."""
    params = list(dict.fromkeys(model.parameters()))  # tied weights once
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": t.weight_decay},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    # fused: one kernel per parameter instead of a dozen elementwise passes (measured faster on CPU too)
    return torch.optim.AdamW(groups, lr=t.lr, betas=t.betas, fused=True)


class Stepper(torch.nn.Module):
    """The model's `training_step` as a module's forward, so that DistributedDataParallel (which syncs
    gradients only for what runs through its own forward) and torch.compile wrap the model's own loss,
    whatever it is. It holds the model's parameters and no others."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, batch):
        return self.model.training_step(batch)


@dataclasses.dataclass(frozen=True)
class Result:
    """What a run ends with: the trained model (this rank's copy) and its final metrics (nats/token)."""

    model: torch.nn.Module
    step: int
    valid_nll: float
    best_valid_nll: float
    unigram_nll: float
    stopped_early: bool
    out: Path


def train(run: RunConfig, out, resume=None, progress: bool = False, init=None) -> Result:
    """Train `run`, writing checkpoints and metrics to `out`; continue from checkpoint `resume` if given.
    `init` (fine-tuning) is a checkpoint whose weights the model starts from instead of random ones: the
    schedule, optimizer and data position start afresh (tunesmith.training.transfer)."""
    t, out = run.train, Path(out)
    d = distributed.setup(t.device)
    model_cls = MODELS[run.model][1]
    source = open_source(model_cls.data_kind, resolve_data(run.data), t)
    cfg = dataclasses.replace(run.model_config, vocab_size=source.vocab_size)
    if hasattr(cfg, "block_size"):  # the Transformer's context is the training window
        cfg = dataclasses.replace(cfg, block_size=t.block_size)
    run = dataclasses.replace(run, model_config=cfg)

    torch.manual_seed(t.seed)  # same initial weights on every rank
    model = model_cls(cfg).to(d.device)
    if init is not None and resume is None:
        start_from(init, model, d.device)
    opt = make_optimizer(model, t)
    if t.batch_size % d.world:
        raise TunesmithError(f"batch_size {t.batch_size} does not split evenly over {d.world} ranks")
    sampler = source.sampler(t.seed, d.rank, d.world)
    torch.manual_seed(t.seed + d.rank)  # dropout differs across ranks
    counters = {"step": 0, "best": math.inf, "bad_evals": 0, "valid_nll": math.nan, "world": d.world}
    if resume is not None:
        counters = restore(resume, model, opt, sampler, d)
    bf16 = use_bf16(t.precision, d.device)
    amp = lambda: torch.autocast(d.device.type, dtype=torch.bfloat16, enabled=bf16)  # noqa: E731
    net = Stepper(model)
    net = torch.nn.parallel.DistributedDataParallel(net) if d.world > 1 else net
    if t.compile:
        net = torch.compile(net)
    unigram = source.unigram_nll()
    metrics = None
    if d.main:
        out.mkdir(parents=True, exist_ok=True)
        metrics = MetricsLog(out, counters["step"] if resume is not None else None)
        log.info("%s: %s parameters, %s, %d rank(s), %s", run.model, f"{model.num_params():,}",
                 "bf16" if bf16 else "fp32", d.world, d.device)

    def save(folder, with_training: bool):
        rng = distributed.gather(d, torch.get_rng_state())  # every rank's dropout stream
        if not d.main:
            return
        config = {"step": counters["step"], "model": {"name": run.model, "config": dataclasses.asdict(cfg)},
                  "params": model.num_params(), "tokenizer": source.meta["representation"],
                  "vocab": source.meta["vocab"], "run": run.to_dict(), "data": source.provenance(),
                  "metrics": {"valid_nll": counters["valid_nll"], "best_valid_nll": counters["best"],
                              "unigram_nll": unigram},
                  "trainer": counters, **({"init": str(init)} if init is not None else {})}
        training = None
        if with_training:
            training = {f"rng.torch.{r}": s for r, s in enumerate(rng)} | {"rng.data": sampler.get_state()}
            for i, state in opt.state_dict()["state"].items():
                training |= {f"optim.{i}.{k}": v for k, v in state.items()}
        checkpoint.save(folder, model, config, training)

    step, stop, tokens = counters["step"], False, 0
    loss_sum, loss_n, tic, paused = torch.zeros((), device=d.device), 0, time.perf_counter(), 0.0
    log_sums: dict[str, torch.Tensor] = {}  # what training_step logs besides the loss, summed likewise
    trained, timed_out = 0.0, False  # seconds of training steps in this process (evaluation not counted)
    from tqdm import tqdm

    bar = tqdm(total=t.max_steps, initial=step, disable=not (progress and d.main), unit="step", dynamic_ncols=True)
    net.train()
    while step < t.max_steps and not stop and not timed_out:
        for g in opt.param_groups:
            g["lr"] = lr_at(step, t.lr, t.warmup_steps, t.max_steps, t.min_lr_ratio, t.schedule)
        batch, n = sampler.next()
        batch = tuple(a.to(d.device, non_blocking=True) for a in batch)
        with amp():
            loss, logs = net(batch)
        loss.backward()
        if t.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), t.grad_clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        counters["step"] = step
        loss_sum += loss.detach()
        for k, v in logs.items():
            log_sums[k] = log_sums.get(k, 0) + v.detach().float()
        loss_n += 1
        tokens += n
        bar.update(1)
        last = step == t.max_steps
        if step % t.log_every == 0 or last:
            elapsed = time.perf_counter() - tic - paused
            trained += elapsed
            over = torch.tensor(float(t.max_minutes > 0 and trained >= t.max_minutes * 60), device=d.device)
            names = sorted(log_sums)
            sums = distributed.all_sum(d, torch.stack([loss_sum, over, *(log_sums[k] for k in names)]))
            total, over = sums[0], sums[1]  # ranks stop together
            mean = float(total) / (loss_n * d.world)  # global batch mean
            timed_out = bool(over > 0)
            last = last or timed_out
            speed = tokens * d.world / max(elapsed, 1e-9)
            if d.main:
                extra = {f"train/{k}": float(v) / (loss_n * d.world) for k, v in zip(names, sums[2:])}
                metrics.log(step, **{"train/loss": mean, "train/lr": opt.param_groups[0]["lr"],
                                     "train/tokens_per_s": speed}, **extra)
            bar.set_postfix(loss=f"{mean:.3f}", tok_s=f"{speed:,.0f}", val=f"{counters['valid_nll']:.3f}")
            loss_sum.zero_()
            log_sums.clear()
            loss_n, tokens, tic, paused = 0, 0, time.perf_counter(), 0.0
        if step % t.eval_every == 0 or last:
            t0 = time.perf_counter()
            total, count = source.nll_sum(model, max(1, t.batch_size // d.world), d.device, amp, d.rank, d.world)
            total, count = distributed.all_sum(d, torch.tensor([total, float(count)], dtype=torch.float64))
            counters["valid_nll"] = val = float(total / count)
            improved = val < counters["best"]
            counters["best"] = min(val, counters["best"])
            counters["bad_evals"] = 0 if improved else counters["bad_evals"] + 1
            stop = t.patience > 0 and counters["bad_evals"] >= t.patience
            if d.main:
                metrics.log(step, **{"valid/nll": val, "valid/unigram_nll": unigram})
                log.info("step %d: valid NLL %.4f (unigram %.4f)%s", step, val, unigram, " best" if improved else "")
            if improved:
                save(out / "best", with_training=False)
            paused += time.perf_counter() - t0
        if step % t.checkpoint_every == 0 or last or stop:
            t0 = time.perf_counter()
            save(out / "checkpoints" / f"step-{step:07d}", with_training=True)
            if d.main:
                for old in sorted((out / "checkpoints").glob("step-*"))[: -max(1, t.keep_checkpoints)]:
                    shutil.rmtree(old, ignore_errors=True)
            paused += time.perf_counter() - t0
    bar.close()
    if stop and d.main:
        log.info("early stop at step %d: no better validation loss in %d evaluations", step, t.patience)
    if timed_out and d.main:
        log.info("stopped at step %d of %d: train.max_minutes = %g reached", step, t.max_steps, t.max_minutes)
    if d.main:
        metrics.plot()
        metrics.close()
    # DDP's reducer holds the process group (through hooks on the model's parameters, which outlive this call):
    # released here, the group is destroyed now; left to interpreter exit, gloo's threads were destroyed during
    # finalization and a rank aborted ("terminate called without an active exception") after its work was done
    net = None
    gc.collect()
    distributed.barrier(d)
    distributed.teardown(d)
    return Result(model, step, counters["valid_nll"], counters["best"], unigram, stop, out)


def start_from(folder, model, device) -> None:
    """Load a checkpoint's weights into a freshly built model of the same family and sizes, else an error."""
    from safetensors.torch import load_model

    entry = checkpoint.read_config(folder)["model"]
    if entry["name"] != model.name or entry["config"] != dataclasses.asdict(model.config):
        raise TunesmithError(f"{folder}: a {entry['name']} of config {entry['config']} cannot start this run's "
                             f"{model.name} {dataclasses.asdict(model.config)}")
    missing, unexpected = load_model(model, str(Path(folder) / checkpoint.WEIGHTS), strict=False, device=str(device))
    if missing or unexpected:
        raise TunesmithError(f"{folder}: its weights do not fit (missing {missing}, unexpected {unexpected})")


def restore(folder, model, opt, sampler, d: distributed.Dist) -> dict:
    """Load weights, optimizer moments, random states and data position (`sampler`'s) from a training checkpoint."""
    from safetensors.torch import load_model

    config = checkpoint.read_config(folder)
    missing, unexpected = load_model(model, str(Path(folder) / checkpoint.WEIGHTS), strict=False, device=str(d.device))
    if missing or unexpected:
        raise TunesmithError(f"{folder}: its weights do not fit this run's model (missing {missing}, unexpected "
                             f"{unexpected}); resume without --preset to use the checkpoint's own config")
    tensors = checkpoint.load_training(folder)
    state = {}
    for key, v in tensors.items():
        if key.startswith("optim."):
            _, i, name = key.split(".", 2)
            state.setdefault(int(i), {})[name] = v
    opt.load_state_dict({"state": state, "param_groups": opt.state_dict()["param_groups"]})
    sampler.set_state(tensors["rng.data"])
    if f"rng.torch.{d.rank}" in tensors and config["trainer"].get("world") == d.world:
        torch.set_rng_state(tensors[f"rng.torch.{d.rank}"])
    else:
        log.warning("resuming on %d ranks a run saved on %s: dropout streams are reseeded, not resumed",
                    d.world, config["trainer"].get("world"))
    c = config["trainer"]  # JSON has no infinity: a null is "none yet"
    return {**c, "best": math.inf if c["best"] is None else c["best"],
            "valid_nll": math.nan if c["valid_nll"] is None else c["valid_nll"], "world": d.world}
