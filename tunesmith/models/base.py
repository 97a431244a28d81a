"""The one contract every autoregressive sequence model follows, so that one `generate()` serves them all.

    logits, loss = model(ids, targets)                  # training and scoring: ids (B, T) -> logits (B, T, V)
    state = model.init_state(batch_size)                # empty recurrent state or key/value cache
    logits, state = model.forward_incremental(ids, state)   # a chunk (B, t) continuing from `state`

`forward_incremental` over a prompt and then one token at a time gives the same logits as `forward` over
the whole sequence (tested to 1e-5 in fp32). A state is a plain dict of tensors, each with the batch on
dim 0, so that generic code can clone it or reorder the batch (beam search) without knowing the model:
see `select_state`.

`forward_incremental` may write into the tensors of the state it continues, past what that state holds: the
Transformer's key/value buffers fill in place, so that a token costs no copy of the cache. What a state holds
never changes, so it can be continued again; but its continuations share those buffers, and continuing it
again overwrites what the previous continuation wrote. To keep two continuations of one state (beam search),
copy it first: `select_state` returns new tensors.

A model with attention may offer what it attends to (optional; `attends` says whether it does):

    weights = model.attention(ids)                      # ids (B, T) -> (B, layers, heads, T, T)

Row t holds how position t (whose output predicts token t + 1) spreads its attention over positions <= t,
as the model attends when it generates (the Transformer's window of `block_size` positions, the attention
RNN's last `attn_length` outputs): what the assistant draws (tunesmith.assistant.attention). A conditional
model offers its decoder's self-attention the same way.

Training goes through `model.training_step(batch) -> (loss, logs)` only (here: the mean cross-entropy of
windows (x, y)); `data_kind` names the data the trainer feeds it (tunesmith.training.sources), so that a
family with another loss or other data (a conditional model's source/target pairs) trains with the one trainer.

Conditioning (style, key, meter, tempo) needs no special input: it is the tokens the tokenizers put right
after BOS, so every model is conditioned by its prefix.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from tunesmith.errors import ConfigError

State = dict[str, torch.Tensor]
# The largest model built: 1 GiB of float32 weights, three times the "large" Transformer. A config from a
# checkpoint folder is checked against it before anything is allocated (n_layer 100000 would take minutes).
MAX_PARAMETERS = 1 << 28
_KINDS = {  # annotation -> (test, what the message calls it)
    "int": (lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool), "a whole number"),
    "float": (lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v),
              "a finite number"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "str": (lambda v: isinstance(v, str), "text"),
}


def check_config(config) -> None:
    """Every field of a model config (a frozen dataclass) of its annotated type and inside the config's
    `BOUNDS` {field: (low, high)}, and the model it describes (`config.parameters()`, computed without
    building it) no larger than MAX_PARAMETERS; else a ConfigError. Configs call it in `__post_init__`, so
    that no model is allocated from absurd or corrupt sizes, whoever made the config (a preset, the command
    line, a checkpoint's config.json)."""
    what = type(config).__name__
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        test, kind = _KINDS[str(f.type)]
        if not test(value):
            raise ConfigError(f"{what}: {f.name} must be {kind}, got {value!r}")
        low, high = config.BOUNDS.get(f.name, (None, None))
        if low is not None and not low <= value <= high:
            raise ConfigError(f"{what}: {f.name} must be in {low:g}..{high:g}, got {value:g}")
    n = config.parameters()
    if n > MAX_PARAMETERS:
        raise ConfigError(f"{what}: {n:,} parameters, more than the {MAX_PARAMETERS:,} a model may have")


class SequenceModel(nn.Module):
    """Base of every autoregressive model: subclasses implement `logits`, `init_state`, `forward_incremental`."""

    name: ClassVar[str] = ""
    attends: ClassVar[bool] = False  # True where `attention` is implemented
    data_kind: ClassVar[str] = "sequence"  # what the trainer feeds `training_step`: tunesmith.training.sources

    def __init__(self, config):
        super().__init__()
        self.config = config

    def logits(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (B, T) int64 -> logits (B, T, V), each position seeing only itself and the past."""
        raise NotImplementedError

    def forward(self, ids: torch.Tensor, targets: torch.Tensor | None = None):
        """(logits (B, T, V), mean cross-entropy over targets or None); targets < 0 are ignored."""
        logits = self.logits(ids)
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.float().flatten(0, 1), targets.flatten(), ignore_index=-1)
        return logits, loss

    def training_step(self, batch) -> tuple[torch.Tensor, dict]:
        """(loss to minimise, {name: 0-dim tensor} to log) on one training batch: here windows (x, y), each
        (B, T), y shifted by one. The trainer calls only this, so a family with another loss defines its own."""
        x, y = batch
        _, loss = self(x, y)
        return loss, {}

    def init_state(self, batch_size: int, device=None) -> State:
        raise NotImplementedError

    def forward_incremental(self, ids: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """Continue from `state` with a chunk ids (B, t): (logits (B, t, V), new state). What `state` holds is
        never changed, but its buffers may be written past that: copy it (`select_state`) to continue it twice."""
        raise NotImplementedError

    def attention(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (B, T) -> attention weights (B, layers, heads, T, T), each row summing to at most 1 (weight on
        positions before the sequence is left out), zero above the diagonal. Only models with `attends`."""
        raise NotImplementedError(f"the {self.name or type(self).__name__} model has no attention to show")

    def step(self, ids_t: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """One token per sequence: ids_t (B,) -> (logits (B, V), new state)."""
        logits, state = self.forward_incremental(ids_t.unsqueeze(1), state)
        return logits[:, -1], state

    def num_params(self, embedding: bool = True) -> int:
        """Number of distinct parameters (tied weights counted once); without the input embedding if asked."""
        seen = {p.data_ptr(): p.numel() for p in self.parameters()}
        n = sum(seen.values())
        if not embedding:
            emb = self.get_submodule("embed").weight
            if not self.config.tie_embeddings:  # a tied table is also the output layer: it does matmul work
                n -= emb.numel()
        return n

    def flops_per_token(self, context: int) -> float:
        """Training FLOPs per token (forward + backward = 3x forward, 2 per multiply-add): 6 * matmul params,
        plus what attention adds in the subclasses. The input embedding is a lookup, not a matmul."""
        return 6.0 * self.num_params(embedding=False)

    def config_dict(self) -> dict:
        return dataclasses.asdict(self.config)


def select_state(state: State, index: torch.Tensor) -> State:
    """The state of the sequences `index` (a (B',) long tensor): reorder or grow the batch, e.g. for beams."""
    return {k: v.index_select(0, index) for k, v in state.items()}
