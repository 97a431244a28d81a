"""A MusicVAE-style variational autoencoder over fixed-length excerpts (Roberts, Engel, Raffel, Hawthorne and
Eck, "A hierarchical latent vector model for learning long-term structure in music", ICML 2018): a
bidirectional LSTM encoder to a Gaussian q(z | x), and an autoregressive LSTM decoder that sees z at every step
(concatenated to its input) and starts from a state made from z.

The loss (`training_step`) is MusicVAE's: reconstruction NLL + beta * max(KL - free_bits, 0) per excerpt, the
KL weight beta ramped linearly from 0 over `beta_steps` training steps (a pure function of the step, so that
the decoder learns to read z before the prior pulls it in: the usual guard against posterior collapse) and free
bits letting the first `free_bits` nats of KL cost nothing. The model counts its own training steps in a
buffer, saved with its weights, so that a resumed run is at the same point of the schedule. A "flat" decoder:
MusicVAE's hierarchical conductor pays off from 16 bars on; these excerpts are 2 and 4 bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from tunesmith.models.base import State, check_config
from tunesmith.models.latent import LatentModel


@dataclass(frozen=True)
class VAEConfig:
    vocab_size: int = 0
    n_embd: int = 64
    enc_hidden: int = 256  # per direction
    dec_hidden: int = 256
    dec_layers: int = 2
    latent: int = 64
    dropout: float = 0.0  # between decoder layers
    beta: float = 0.2  # the KL weight reached after beta_steps (MusicVAE's 2-bar melodies: 0.2)
    beta_steps: int = 1000
    free_bits: float = 8.0  # nats of KL per excerpt that cost nothing

    SIZES: ClassVar[dict] = {
        "debug": {"n_embd": 8, "enc_hidden": 16, "dec_hidden": 32, "dec_layers": 1, "latent": 8},
        "small": {},
        "medium": {"enc_hidden": 512, "dec_hidden": 512, "latent": 128},
    }
    BOUNDS: ClassVar[dict] = {"vocab_size": (0, 1 << 20), "n_embd": (1, 1 << 14), "enc_hidden": (1, 1 << 14),
                              "dec_hidden": (1, 1 << 14), "dec_layers": (1, 64), "latent": (1, 1 << 12),
                              "dropout": (0, 1), "beta": (0, 100), "beta_steps": (0, 1 << 30), "free_bits": (0, 1e6)}

    def parameters(self) -> int:
        """The number of parameters of the model, without building it (equal to `num_params()`)."""
        e, he, hd, d, v = self.n_embd, self.enc_hidden, self.dec_hidden, self.latent, self.vocab_size
        encoder = 2 * 4 * he * (e + he + 2) + 2 * (2 * he * d + d)
        start = d * 2 * self.dec_layers * hd + 2 * self.dec_layers * hd
        decoder = sum(4 * hd * ((e + d if i == 0 else hd) + hd + 2) for i in range(self.dec_layers))
        return v * e + encoder + start + decoder + hd * v

    def __post_init__(self):
        check_config(self)


def beta_at(step: int, beta: float, beta_steps: int) -> float:
    """The KL weight at a training step: a linear ramp from 0 to `beta` over `beta_steps` steps."""
    return beta if beta_steps == 0 else beta * min(1.0, step / beta_steps)


class VAE(LatentModel):
    """Embedding -> biLSTM -> (mu, logvar); z -> initial LSTM state, and z beside every decoder input."""

    name = "vae"

    def __init__(self, config: VAEConfig):
        super().__init__(config)
        c = config
        self.embed = nn.Embedding(c.vocab_size, c.n_embd)
        self.encoder = nn.LSTM(c.n_embd, c.enc_hidden, batch_first=True, bidirectional=True)
        self.to_mu = nn.Linear(2 * c.enc_hidden, c.latent)
        self.to_logvar = nn.Linear(2 * c.enc_hidden, c.latent)
        self.start = nn.Linear(c.latent, 2 * c.dec_layers * c.dec_hidden)
        self.decoder = nn.LSTM(c.n_embd + c.latent, c.dec_hidden, c.dec_layers, batch_first=True,
                               dropout=c.dropout if c.dec_layers > 1 else 0)
        self.head = nn.Linear(c.dec_hidden, c.vocab_size, bias=False)
        nn.init.normal_(self.embed.weight, std=0.1)
        for lstm in (self.encoder, self.decoder):  # forget-gate bias 1 (Jozefowicz 2015), as the RNNs do
            for name, p in lstm.named_parameters():
                if name.startswith("bias_ih"):
                    with torch.no_grad():
                        p[lstm.hidden_size:2 * lstm.hidden_size].fill_(1.0)
        self.register_buffer("steps_trained", torch.zeros((), dtype=torch.long))

    def encode(self, x):
        _, (h, _) = self.encoder(self.embed(x))  # h (2, B, He): the last forward and the first backward state
        h = torch.cat([h[0], h[1]], dim=-1)  # (B, 2He)
        return self.to_mu(h), self.to_logvar(h)

    def init_state(self, z) -> State:
        c = self.config
        hc = torch.tanh(self.start(z)).view(z.size(0), 2, c.dec_layers, c.dec_hidden)  # (B, 2, layers, Hd)
        return {"h": hc[:, 0], "c": hc[:, 1], "z": z}

    def forward_incremental(self, ids, state: State):
        z = state["z"]
        x = torch.cat([self.embed(ids), z[:, None].expand(-1, ids.size(1), -1)], dim=-1)  # (B, t, E + D)
        hx = (state["h"].transpose(0, 1).contiguous(), state["c"].transpose(0, 1).contiguous())
        y, (h, c) = self.decoder(x, hx)  # y (B, t, Hd)
        return self.head(y), {"h": h.transpose(0, 1), "c": c.transpose(0, 1), "z": z}

    @staticmethod
    def kl(mu, logvar):
        """(B, D) KL(q(z_d | x) || N(0, 1)) per dimension, in nats."""
        return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)

    def _terms(self, x, generator=None):
        mu, logvar = self.encode(x)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        z = mu + eps * (0.5 * logvar).exp()
        logits = self.reconstruct_logits(x, z)
        nll = F.cross_entropy(logits.float().transpose(1, 2), x, reduction="none").sum(1)  # (B,)
        return nll, self.kl(mu, logvar).float().sum(1), logits

    def training_step(self, batch):
        (x,) = batch
        c = self.config
        beta = beta_at(int(self.steps_trained), c.beta, c.beta_steps)
        if self.training:
            self.steps_trained += 1
        nll, kl, logits = self._terms(x)
        per_token = x.size(1)
        loss = (nll + beta * (kl - c.free_bits).clamp_min(0)).mean() / per_token
        accuracy = (logits.argmax(-1) == x).float().mean()
        return loss, {"recon": nll.mean().detach() / per_token, "kl": kl.mean().detach(),
                      "beta": torch.tensor(beta), "accuracy": accuracy.detach()}

    def excerpt_nll(self, x):
        """The negative ELBO (reconstruction NLL + full KL) per excerpt, with one z drawn from q for each by a
        generator seeded 0 on every call, so that evaluations are repeatable and leave the training stream be."""
        nll, kl, _ = self._terms(x, torch.Generator(device=x.device).manual_seed(0))
        return nll + kl
