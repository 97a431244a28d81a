"""Data parallelism for the families with their own training step (VAE, GAN, RL Tuner): two CPU processes under
torchrun (gloo) train together and hold bitwise-equal weights and gradients, as DDP promises.

Unlike the sequence models (tests/training/test_distributed.py), these families draw random numbers inside the
step (the VAE's z, the GAN's fakes, the RL rollouts) from each rank's own stream, so a two-rank run is not the
one-process run: what is asserted is that the ranks agree, learn, and log finite losses."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

WORKER = Path(__file__).with_name("ddp_worker.py")
STEPS = ["train.max_steps=6", "train.log_every=1", "train.eval_every=3", 'train.precision="fp32"',
         "train.batch_size=8"]
FAMILIES = {"vae": ["model.beta_steps=3"], "gan": ["model.pretrain_steps=2"], "rl-tuner": ["model.steps=8"]}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FAMILIES))
def test_ranks_agree_for_every_family(name, excerpts_dir, tmp_path):
    data = excerpts_dir.parent / "arrays" if name == "rl-tuner" else excerpts_dir  # prompts: flat voice grids
    preset = tmp_path / "rl.toml"  # the debug preset sets a dropout, which a tuner has not (its policy runs without)
    preset.write_text('[model]\nname = "rl-tuner"\nsize = "debug"\n')
    env = {**os.environ, "OMP_NUM_THREADS": "1", **({"PRESET": str(preset)} if name == "rl-tuner" else {})}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", str(WORKER),
           str(data), str(tmp_path), *STEPS, f'model.name="{name}"', *FAMILIES[name]]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for what in ("grad1", "final"):
        r0, r1 = load_file(tmp_path / f"{what}-rank0.safetensors"), load_file(tmp_path / f"{what}-rank1.safetensors")
        assert r0.keys() == r1.keys() and len(r0) > 4
        for k in r0:
            assert torch.equal(r0[k], r1[k]), f"ranks disagree on {what} {k}"
    init, final = load_file(tmp_path / "init-rank0.safetensors"), load_file(tmp_path / "final-rank0.safetensors")
    assert any(not torch.equal(init[k], final[k]) for k in init)
    with open(tmp_path / "metrics.csv") as f:
        losses = [float(v) for _, m, v in list(csv.reader(f))[1:] if m in ("train/loss", "valid/nll")]
    assert len(losses) == 8 and all(abs(v) < 1e6 for v in losses)
