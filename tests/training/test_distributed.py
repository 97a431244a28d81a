"""Two CPU processes under torchrun (gloo) against one process on the same global batch.

What the arithmetic guarantees, and so what is asserted (issue 10): fp32 pinned (bf16 autocast would make the
comparison one of rounding noise); the two ranks bitwise equal (DDP hands both the same averaged gradient);
the all-reduced gradient of step 1 equal to the one process's gradient up to float32 summation order; the
losses equal up to the same; and the weights after a few AdamW steps near each other *relative to how far they
moved*. AdamW moves a weight by about lr whatever its gradient's size, so where a gradient is near zero the two
runs' rounding can send it opposite ways: a max-abs comparison of weights measures that noise, not DDP."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

WORKER = Path(__file__).with_name("ddp_worker.py")
STEPS = ["train.max_steps=6", "train.log_every=1", "train.eval_every=3", 'train.precision="fp32"']


def run(cmd, tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]


def losses(folder):
    with open(folder / "metrics.csv") as f:
        return {(int(s), m): float(v) for s, m, v in list(csv.reader(f))[1:] if m in ("train/loss", "valid/nll")}


def relative(a: torch.Tensor, b: torch.Tensor, scale: torch.Tensor) -> float:
    return float((a - b).norm() / scale.norm().clamp_min(1e-30))


@pytest.fixture(scope="module")
def runs(arrays_dir, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ddp")
    ddp, single = tmp / "ddp", tmp / "single"
    run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", str(WORKER),
         str(arrays_dir), str(ddp), *STEPS], tmp)
    run([sys.executable, str(WORKER), str(arrays_dir), str(single), *STEPS], tmp)
    return ddp, single


@pytest.mark.slow
def test_ranks_hold_bitwise_equal_weights_and_gradients(runs):
    ddp, _ = runs
    for what in ("grad1", "final"):
        r0, r1 = load_file(ddp / f"{what}-rank0.safetensors"), load_file(ddp / f"{what}-rank1.safetensors")
        assert r0.keys() == r1.keys() and len(r0) > 4
        for k in r0:
            assert torch.equal(r0[k], r1[k]), f"ranks disagree on {what} {k}"


@pytest.mark.slow
def test_all_reduced_gradient_equals_the_one_process_gradient(runs):
    ddp, single = runs
    a, b = load_file(ddp / "grad1-rank0.safetensors"), load_file(single / "grad1-rank0.safetensors")
    assert a.keys() == b.keys()
    for k in a:
        assert relative(a[k], b[k], b[k]) < 1e-5, k
    start = load_file(ddp / "init-rank0.safetensors"), load_file(single / "init-rank0.safetensors")
    assert all(torch.equal(start[0][k], start[1][k]) for k in start[0])  # the same model to begin with


@pytest.mark.slow
def test_losses_and_weights_follow_the_one_process_run(runs):
    ddp, single = runs
    a, b = losses(ddp), losses(single)
    assert a.keys() == b.keys() and len(a) == 8  # 6 training losses, 2 evaluations
    for key in a:
        assert abs(a[key] - b[key]) <= 1e-4 * abs(b[key]), key
    init = load_file(single / "init-rank0.safetensors")
    w_ddp, w_one = load_file(ddp / "final-rank0.safetensors"), load_file(single / "final-rank0.safetensors")
    for k in init:
        travelled = w_one[k] - init[k]
        assert travelled.norm() > 0, f"{k} never moved: the comparison below would mean nothing"
        assert relative(w_ddp[k], w_one[k], travelled) < 1e-3, k  # fp32: about 3e-7 seen; bf16 autocast: 4e-3
