"""Two CPU processes under torchrun (gloo): identical weights on both ranks, and the same losses as one
process on the same global batch."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from safetensors.torch import load_file

WORKER = Path(__file__).with_name("ddp_worker.py")
STEPS = ["train.max_steps=6", "train.log_every=1", "train.eval_every=3"]


def run(cmd, tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]


def losses(folder):
    with open(folder / "metrics.csv") as f:
        return {(int(s), m): float(v) for s, m, v in list(csv.reader(f))[1:] if m in ("train/loss", "valid/nll")}


@pytest.mark.slow
def test_two_ranks_match_one_process(arrays_dir, tmp_path):
    ddp, single = tmp_path / "ddp", tmp_path / "single"
    run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", str(WORKER),
         str(arrays_dir), str(ddp), *STEPS], tmp_path)
    run([sys.executable, str(WORKER), str(arrays_dir), str(single), *STEPS], tmp_path)

    r0, r1 = load_file(ddp / "rank0.safetensors"), load_file(ddp / "rank1.safetensors")
    assert r0.keys() == r1.keys()
    for k in r0:
        assert (r0[k] == r1[k]).all(), f"ranks disagree on {k}"
    one = load_file(single / "rank0.safetensors")
    for k in r0:
        assert (r0[k] - one[k]).abs().max() < 1e-4, k

    a, b = losses(ddp), losses(single)
    assert a.keys() == b.keys() and len(a) == 8  # 6 training losses, 2 evaluations
    for key in a:
        assert abs(a[key] - b[key]) < 1e-5, key
