"""Run by the distributed test under torchrun (or alone): train, writing into OUT this rank's initial weights,
its gradient at step 1 (after DDP's all-reduce, before clipping) and its final weights:
OUT/{init,grad1,final}-rank<r>.safetensors. The preset is "debug", or $PRESET (a name or a TOML file)."""

import os
import sys

import torch
from safetensors.torch import save_file

from tunesmith.training import load_preset, train

torch.set_num_threads(1)
data, out, *overrides = sys.argv[1:]
rank = os.environ.get("RANK", "0")
clip = torch.nn.utils.clip_grad_norm_
calls = []


def save(what: str, named) -> None:
    tensors = {k: v.detach().clone().contiguous() for k, v in named}
    save_file(tensors, os.path.join(out, f"{what}-rank{rank}.safetensors"))


def recording_clip(params, *args, **kwargs):
    """The trainer clips right after backward (and DDP's all-reduce): the first call sees step 1's gradient."""
    params = list(params)
    if not calls:
        save("grad1", ((str(i), p.grad) for i, p in enumerate(params)))
        save("init", ((str(i), p.data) for i, p in enumerate(params)))  # not yet moved by the optimizer
    calls.append(1)
    return clip(params, *args, **kwargs)


torch.nn.utils.clip_grad_norm_ = recording_clip
os.makedirs(out, exist_ok=True)
result = train(load_preset(os.environ.get("PRESET", "debug"), [f'data="{data}"', *overrides]), out)
save("final", ((str(i), p.data) for i, p in enumerate(result.model.parameters())))
