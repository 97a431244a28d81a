"""The contract of a conditional model (a sequence given another): an encoder, and a decoder that *is* a
sequence model once the source is given, so that the one `generate()` serves it with every sampling setting
and constraint.

    memory = model.encode(src)                         # src (B, S) -> what the decoder attends to
    logits, loss = model(src, ids, targets)            # training and scoring: ids (B, T) -> logits (B, T, V)
    loss, logs = model.training_step((src, x, y))      # what the trainer calls (data_kind "conditional")
    given = model.given(src)                           # a SequenceModel bound to one source (1, S)
    state = given.init_state(batch)                    # the decoder's state, the source's memory inside it
    logits, state = given.forward_incremental(ids, state)
    weights = model.source_attention(src, ids)         # (B, heads, T, S): where each position looked

Sources are right-padded with id 0 (PAD, the first token of every vocabulary). The memory is part of the
decoding state (batch first, like every state), so that `select_state` reorders beams with their source.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from tunesmith.models.base import SequenceModel, State

PAD = 0


class ConditionalModel(nn.Module):
    """Base of every model of a target sequence given a source sequence."""

    name: ClassVar[str] = ""
    data_kind: ClassVar[str] = "conditional"  # source/target pairs: tunesmith.training.pairs
    attends: ClassVar[bool] = False  # no self-attention to show (`source_attention` is what it offers)

    def __init__(self, config):
        super().__init__()
        self.config = config

    def encode(self, src: torch.Tensor) -> State:
        """src (B, S), right-padded with PAD -> memory: a dict of batch-first tensors."""
        raise NotImplementedError

    def init_state(self, memory: State) -> State:
        """The decoder's empty state beside `memory` (one per row of the memory's batch)."""
        raise NotImplementedError

    def forward_incremental(self, ids: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """Continue the decoder from `state` with ids (B, t): (logits (B, t, V), new state); `state` unchanged."""
        raise NotImplementedError

    def forward(self, src: torch.Tensor, ids: torch.Tensor, targets: torch.Tensor | None = None):
        """(logits (B, T, V), mean cross-entropy over targets >= 0 or None)."""
        logits, _ = self.forward_incremental(ids, self.init_state(self.encode(src)))
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.float().flatten(0, 1), targets.flatten(), ignore_index=-1)

    def training_step(self, batch) -> tuple[torch.Tensor, dict]:
        src, x, y = batch
        _, loss = self(src, x, y)
        return loss, {}

    def source_attention(self, src: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """(B, heads, T, S) weights of each target position over the source positions."""
        raise NotImplementedError

    def given(self, src, vocab_size: int | None = None) -> Given:
        """This model as a sequence model over targets, bound to one source (a (S,) or (1, S) tensor or list);
        with `vocab_size`, its logits cover only the first `vocab_size` tokens (the target's vocabulary, where
        the source's has more: a Mask token is read, never written)."""
        src = torch.as_tensor(src, dtype=torch.long)
        return Given(self, src.view(1, -1), vocab_size)

    def num_params(self, embedding: bool = True) -> int:
        seen = {p.data_ptr(): p.numel() for p in self.parameters()}
        n = sum(seen.values())
        if not embedding and not self.config.tie_embeddings:
            n -= self.get_submodule("embed").weight.numel()
        return n

    def flops_per_token(self, context: int) -> float:
        return 6.0 * self.num_params(embedding=False)

    def config_dict(self) -> dict:
        return dataclasses.asdict(self.config)


class Given(SequenceModel):
    """A conditional model bound to its source: the sequence-model contract of tunesmith.models.base, the
    source's memory made (once per mode: training or eval) when a state is first asked for."""

    name = "given"

    def __init__(self, model: ConditionalModel, src: torch.Tensor, vocab_size: int | None = None):
        super().__init__(model.config)
        self.model = model
        self.src = src
        self.vocab_size = vocab_size or model.config.vocab_size
        self._memory: tuple[bool, State] | None = None

    @property
    def embed(self) -> nn.Embedding:
        """The model's token embedding (source and target share it)."""
        return self.model.embed

    def memory(self) -> State:
        if self._memory is None or self._memory[0] != self.model.training or torch.is_grad_enabled():
            self._memory = (self.model.training, self.model.encode(self.src.to(self.model.embed.weight.device)))
        return self._memory[1]

    def init_state(self, batch_size: int, device=None) -> State:
        memory = {k: v.expand(batch_size, *v.shape[1:]) for k, v in self.memory().items()}
        return self.model.init_state(memory)

    def forward_incremental(self, ids, state: State):
        logits, state = self.model.forward_incremental(ids, state)
        return logits[..., : self.vocab_size], state

    def logits(self, ids):
        return self.forward_incremental(ids, self.init_state(ids.size(0)))[0]

    def source_attention(self, ids) -> torch.Tensor:
        """(B, heads, T, S): where each target position looked in the source."""
        return self.model.source_attention(self.src.expand(ids.size(0), -1), ids)
