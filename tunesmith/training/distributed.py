"""Data parallelism through torch.distributed: launched by `torchrun`, which sets RANK and WORLD_SIZE, the
trainer joins a process group (gloo on CPU, nccl on GPU); launched plainly, it is rank 0 of 1."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from tunesmith.errors import ConfigError


@dataclass(frozen=True)
class Dist:
    rank: int = 0
    world: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup(device: str = "auto") -> Dist:
    """Join the process group torchrun describes (if any) and pick this rank's device."""
    if device not in ("auto", "cpu", "cuda"):
        raise ConfigError(f"unknown device {device!r}; valid: auto, cpu, cuda")
    cuda = torch.cuda.is_available() if device == "auto" else device == "cuda"
    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    local = int(os.environ.get("LOCAL_RANK", 0))
    dev = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(dev)
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo")
    return Dist(rank, world, dev)


def teardown(d: Dist) -> None:
    if d.world > 1 and dist.is_initialized():
        dist.destroy_process_group()


def all_sum(d: Dist, t: torch.Tensor) -> torch.Tensor:
    """Sum of `t` over ranks (a copy)."""
    if d.world == 1:
        return t.clone()
    out = t.to(d.device, copy=True)  # nccl reduces only GPU tensors
    dist.all_reduce(out)
    return out.to(t.device)


def gather(d: Dist, t: torch.Tensor) -> list[torch.Tensor]:
    """Every rank's `t` (same shape on all ranks), in rank order."""
    if d.world == 1:
        return [t]
    t_dev = t.to(d.device)
    out = [torch.empty_like(t_dev) for _ in range(d.world)]
    dist.all_gather(out, t_dev)
    return [o.to(t.device) for o in out]


def barrier(d: Dist) -> None:
    if d.world > 1:
        dist.barrier()
