"""Run by the distributed test under torchrun: train, then write this rank's weights to OUT/rank<r>.safetensors."""

import os
import sys

import torch
from safetensors.torch import save_model

from tunesmith.training import load_preset, train

torch.set_num_threads(1)
data, out, *overrides = sys.argv[1:]
result = train(load_preset("debug", [f'data="{data}"', *overrides]), out)
save_model(result.model, os.path.join(out, f"rank{os.environ.get('RANK', 0)}.safetensors"))
