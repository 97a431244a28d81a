"""Training speed of every model family at its shipped size: tokens/s, model FLOPs utilization (MFU)
against the matrix-multiply peak of this machine measured in the same run, in fp32 and bf16, and peak memory.
Prints a Markdown table (and writes JSON with --json).

    python bench/train.py [--sizes small] [--batch 16] [--block 256] [--seconds 8] [--compile]

MFU = (model FLOPs per token x tokens/s) / peak, where model FLOPs are 6 x matmul parameters plus attention
(PaLM appendix B; the Transformer's causal attention is counted in full) and peak is the best of square
matmuls of a few sizes in the same precision, measured again right before each configuration in its process
(on a shared machine the peak moves; a busy neighbour would otherwise inflate or deflate MFU). Each
measurement runs in its own process, so that peak memory (max RSS on CPU, max allocated on GPU) is that
configuration's alone. Where autocast leaves a layer in fp32 (e.g. nn.GRU on CPU), bf16 "MFU" against the bf16
peak means little: compare tokens/s.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing as mp
import os
import resource
import time

from machine import cpu_name

# family label -> (registry name, config fields); sizes come from each config's SIZES
FAMILIES = {
    "lstm": ("rnn", {"cell": "lstm"}),
    "gru": ("rnn", {"cell": "gru"}),
    "attention-rnn": ("attention-rnn", {}),
    "transformer": ("transformer", {}),
}


def matmul_peak(dtype: str, device: str, seconds: float = 2.0) -> float:
    """Best FLOP/s of square matmuls (sizes 512..4096 on CPU, up to 8192 on GPU) in `dtype`."""
    import torch

    dt = {"fp32": torch.float32, "bf16": torch.bfloat16}[dtype]
    best = 0.0
    for n in (512, 1024, 2048, 4096) + ((8192,) if device == "cuda" else ()):
        a, b = torch.randn(n, n, dtype=dt, device=device), torch.randn(n, n, dtype=dt, device=device)
        a @ b  # warm up
        reps, t0 = 0, time.perf_counter()
        while True:
            a @ b
            reps += 1
            if device == "cuda":
                torch.cuda.synchronize()
            if time.perf_counter() - t0 > seconds / 4:
                break
        best = max(best, 2 * n**3 * reps / (time.perf_counter() - t0))
        if time.perf_counter() - t0 > seconds:  # a slow precision: the larger sizes would take too long
            break
    return best


def measure(family: str, size: str, dtype: str, batch: int, block: int, seconds: float, device: str,
            compile: bool, vocab: int, queue) -> None:
    """One configuration in a fresh process: a few timed AdamW training steps on random tokens."""
    import torch

    from tunesmith.models import build_model

    name, fields = FAMILIES[family]
    torch.manual_seed(0)
    row = {"family": family, "size": size, "precision": dtype}
    try:
        if name == "transformer":
            fields = {**fields, "block_size": block}
        model = build_model(name, size, vocab_size=vocab, dropout=0.0, **fields).to(device)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
        net = torch.compile(model) if compile else model
        ids = torch.randint(0, vocab, (batch, block + 1), device=device)

        def step():
            with torch.autocast(device, dtype=torch.bfloat16, enabled=dtype == "bf16"):
                _, loss = net(ids[:, :-1], ids[:, 1:])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            if device == "cuda":
                torch.cuda.synchronize()

        step()  # warm up (and compile)
        row["peak_flops"] = matmul_peak(dtype, device, seconds=1.5)
        n, t0 = 0, time.perf_counter()
        while n < 2 or time.perf_counter() - t0 < seconds:
            step()
            n += 1
        dt = (time.perf_counter() - t0) / n
        tok_s = batch * block / dt
        row.update(params=model.num_params(), steps=n, tokens_per_s=tok_s,
                   flops_per_token=model.flops_per_token(block),
                   achieved_flops=model.flops_per_token(block) * tok_s)
    except Exception as e:  # e.g. oneDNN has no bf16 LSTM without AVX512: report it, go on
        row["error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:80]}"
    if device == "cuda":
        row["peak_mem_mb"] = torch.cuda.max_memory_allocated() / 2**20
    else:
        row["peak_mem_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(row)


def peak_process(dtype, device, queue):
    queue.put(matmul_peak(dtype, device))


def in_process(target, *args):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, queue))
    p.start()
    out = queue.get()
    p.join()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--sizes", default="small", help="comma-separated model sizes (debug, small, medium, large)")
    ap.add_argument("--precisions", default="fp32,bf16")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--block", type=int, default=256)
    ap.add_argument("--vocab", type=int, default=559, help="vocabulary size (REMI's by default)")
    ap.add_argument("--seconds", type=float, default=8.0, help="timed seconds per configuration (at least 2 steps)")
    ap.add_argument("--compile", action="store_true", help="torch.compile the models")
    ap.add_argument("--json", help="also write the rows to this JSON file")
    args = ap.parse_args()
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    precisions = args.precisions.split(",")
    if device == "cpu" and os.getloadavg()[0] > 0.5:
        print(f"warning: load average {os.getloadavg()[0]:.1f}: other processes share the CPU, figures will be low")
    peaks = {p: in_process(peak_process, p, device) for p in precisions}
    rows = []
    for family in args.families.split(","):
        for size in args.sizes.split(","):
            for p in precisions:
                row = in_process(measure, family, size, p, args.batch, args.block, args.seconds, device,
                                 args.compile, args.vocab)
                if "achieved_flops" in row:
                    row["mfu"] = row["achieved_flops"] / row["peak_flops"]
                rows.append(row)
                print(f"  {family} {size} {p}: " + (f"{row['tokens_per_s']:,.0f} tokens/s" if "mfu" in row
                                                    else row.get("error", "")), flush=True)

    hw = torch.cuda.get_device_name() if device == "cuda" else f"{cpu_name()}, {os.cpu_count()} cores"
    print(f"\n## Training throughput ({datetime.date.today()}, {hw}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads)\n")
    print("matmul peak measured at the start of this run: "
          + ", ".join(f"{p} {v / 1e9:,.1f} GFLOP/s" for p, v in peaks.items()) + "; MFU is against the peak measured "
          "again beside each row")
    print(f"batch {args.batch} x {args.block} tokens, vocabulary {args.vocab}, AdamW step with clipping"
          f"{', torch.compile' if args.compile else ''}\n")
    print("| model | size | params | precision | tokens/s | GFLOP/s | peak GFLOP/s | MFU | peak memory |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        if "mfu" in r:
            print(f"| {r['family']} | {r['size']} | {r['params'] / 1e6:.2f} M | {r['precision']} | "
                  f"{r['tokens_per_s']:,.0f} | {r['achieved_flops'] / 1e9:.1f} | {r['peak_flops'] / 1e9:.1f} | "
                  f"{100 * r['mfu']:.1f}% | "
                  f"{r['peak_mem_mb']:,.0f} MB |")
        else:
            print(f"| {r['family']} | {r['size']} | | {r['precision']} | fails: {r.get('error')} | | | | |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": hw, "peaks": peaks, "args": vars(args), "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
