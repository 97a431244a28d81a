"""The contract of a latent model (a VAE): an encoder to a Gaussian over a latent vector, and a decoder that
*is* a sequence model once a latent vector is given, so that the one `generate()` serves it with every
sampling setting and constraint.

    mu, logvar = model.encode(x)                       # x (B, L) excerpt bodies -> (B, D) each
    logits, _ = model(x)                               # teacher-forced reconstruction from z = mu
    loss, logs = model.training_step((x,))             # what the trainer calls (data_kind "excerpts")
    nll = model.excerpt_nll(x)                         # (B,) nats: the negative ELBO, a bound on -log p(x)
    dec = model.given(z)                               # z (N, D) or (D,): a SequenceModel over excerpt bodies
    state = dec.init_state(N)                          # the decoder's state, z inside it (batch first)
    logits, state = dec.forward_incremental(ids, state)    # ids start with BOS (id 1), then the body

Excerpts are fixed-length bodies of voice-grid tokens (tunesmith.data.excerpts): no conditioning prefix, the
decoder starts from BOS and is asked for exactly `length` tokens.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import torch
from torch import nn

from tunesmith.models.base import SequenceModel, State

BOS = 1  # the second token of every vocabulary (tunesmith.representation.base.SPECIALS)


class LatentModel(nn.Module):
    """Base of every model with a latent space over fixed-length excerpts."""

    name: ClassVar[str] = ""
    data_kind: ClassVar[str] = "excerpts"  # tunesmith.training.excerpts
    attends: ClassVar[bool] = False

    def __init__(self, config):
        super().__init__()
        self.config = config

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, L) -> (mu (B, D), logvar (B, D)) of the approximate posterior q(z | x)."""
        raise NotImplementedError

    def init_state(self, z: torch.Tensor) -> State:
        """The decoder's state before BOS, given z (B, D): a dict of batch-first tensors, z among them."""
        raise NotImplementedError

    def forward_incremental(self, ids: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """Continue the decoder from `state` with ids (B, t): (logits (B, t, V), new state); `state` unchanged."""
        raise NotImplementedError

    def forward(self, x: torch.Tensor, targets=None):
        """(teacher-forced logits (B, L, V) of excerpts x (B, L) decoded from their posterior means, None): the
        decoder reads BOS, x[:-1]. A deterministic reconstruction, for scoring and for checking a reload."""
        mu, _ = self.encode(x)
        return self.reconstruct_logits(x, mu), None

    def reconstruct_logits(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits (B, L, V) of excerpts x (B, L) given z (B, D)."""
        inputs = torch.cat([torch.full_like(x[:, :1], BOS), x[:, :-1]], dim=1)
        return self.forward_incremental(inputs, self.init_state(z))[0]

    def training_step(self, batch) -> tuple[torch.Tensor, dict]:
        raise NotImplementedError

    def excerpt_nll(self, x: torch.Tensor) -> torch.Tensor:
        """(B,) nats per excerpt (validation; an upper bound on -log p(x) for a VAE)."""
        raise NotImplementedError

    def given(self, z) -> Decoder:
        """This model's decoder as a sequence model, bound to latent vectors z (N, D) or (D,)."""
        z = torch.as_tensor(z, dtype=torch.float32)
        return Decoder(self, z.view(-1, z.shape[-1]))

    def num_params(self, embedding: bool = True) -> int:
        return sum({p.data_ptr(): p.numel() for p in self.parameters()}.values())

    def flops_per_token(self, context: int) -> float:
        return 6.0 * self.num_params()

    def config_dict(self) -> dict:
        return dataclasses.asdict(self.config)


class Decoder(SequenceModel):
    """A latent model's decoder bound to z: the sequence-model contract of tunesmith.models.base. With one z
    any batch size may be asked for (every row decodes that z); with N, the batch is N."""

    name = "decoder"

    def __init__(self, model: LatentModel, z: torch.Tensor):
        super().__init__(model.config)
        self.model = model
        self.z = z

    @property
    def embed(self) -> nn.Embedding:
        return self.model.embed

    def init_state(self, batch_size: int, device=None) -> State:
        z = self.z.to(self.model.embed.weight.device)
        if z.size(0) == 1:
            z = z.expand(batch_size, -1)
        elif z.size(0) != batch_size:
            raise ValueError(f"{z.size(0)} latent vectors, a batch of {batch_size} asked for")
        return self.model.init_state(z)

    def forward_incremental(self, ids, state: State):
        return self.model.forward_incremental(ids, state)

    def logits(self, ids):
        return self.forward_incremental(ids, self.init_state(ids.size(0)))[0]
