"""A GAN over fixed-length melodies as the seed articles describe it: an LSTM generator and a CNN discriminator
(SeqGAN: Yu, Zhang, Wang and Yu, "SeqGAN: sequence generative adversarial nets with policy gradient", AAAI 2017;
its discriminator is Kim's text CNN: convolutions of several widths over token embeddings, max-pooled over time,
a highway layer, one logit).

Why SeqGAN's policy gradient: the generator emits discrete tokens, so the discriminator's verdict has no gradient
to pass back through a sample. REINFORCE treats the verdict as a reward and needs none; it keeps the voice-grid
tokens of every other family, so the same decoding, metrics and judge apply. Gumbel-softmax would feed the
discriminator soft one-hot vectors it can tell from real ones by their softness alone, and needs a temperature
schedule; a WGAN-GP on piano rolls would change the representation and need thresholding to get notes back.

`training_step` returns one loss whose parts touch disjoint weights, so that the one trainer's one AdamW acts as
the two optimizers of a GAN (Adam's update of a weight depends on that weight's gradients only):

    generator:      mle * NLL(real) - adversarial(step) * mean((D(fake) - baseline) * log p(fake)) / L
    discriminator:  BCE(D(real), 1) + BCE(D(fake), 0)

The fakes are sampled without gradient and the reward D(fake) is detached, so no generator weight sees the
discriminator's loss and no discriminator weight the generator's. The reward is per sequence with a leave-one-out
baseline (SeqGAN's Monte Carlo rollouts per token would multiply the sampling cost by the length). The generator
learns by maximum likelihood alone for `pretrain_steps` (SeqGAN's pre-training; the discriminator trains on its
samples meanwhile), then the adversarial weight ramps up over as many steps; the model counts its steps in a
buffer saved with its weights, so that a resumed run is at the same point. The generator's NLL is exact, so the
GAN reports a validation NLL like any sequence model, and it composes through the sequence-model contract.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from tunesmith.errors import ConfigError
from tunesmith.models.base import SequenceModel, State, check_config
from tunesmith.models.latent import BOS
from tunesmith.models.rnn import RNN, RNNConfig

BODY_START = 61  # Rest: the first body token of a voice-grid vocabulary (specials and conditioning before it)


@dataclass(frozen=True)
class GANConfig:
    vocab_size: int = 0
    hidden: int = 256  # the generator: an LSTM of n_layer layers (tunesmith.models.rnn)
    n_layer: int = 2
    dropout: float = 0.0
    d_embd: int = 64  # the discriminator: embeddings, convolutions of each width in d_widths, d_filters each
    d_filters: int = 64
    d_widths: str = "2,3,4,6,8,16"
    mle: float = 1.0
    adversarial: float = 1.0
    pretrain_steps: int = 1000
    body_start: int = BODY_START  # tokens below it (specials, conditioning) are never sampled in a fake

    SIZES: ClassVar[dict] = {
        "debug": {"hidden": 32, "n_layer": 1, "d_embd": 8, "d_filters": 8, "d_widths": "2,3", "pretrain_steps": 5},
        "small": {},
    }
    BOUNDS: ClassVar[dict] = {"vocab_size": (0, 1 << 20), "hidden": (1, 1 << 14), "n_layer": (1, 64),
                              "dropout": (0, 1), "d_embd": (1, 1 << 12), "d_filters": (1, 1 << 12),
                              "mle": (0, 100), "adversarial": (0, 100), "pretrain_steps": (0, 1 << 30),
                              "body_start": (0, 1 << 20)}

    def widths(self) -> list[int]:
        try:
            w = [int(x) for x in self.d_widths.split(",")]
        except ValueError:
            w = []
        if not w or min(w) < 1 or max(w) > 256:
            raise ConfigError(f"GANConfig: d_widths must be comma-separated widths in 1..256, got {self.d_widths!r}")
        return w

    def generator(self) -> RNNConfig:
        return RNNConfig(vocab_size=self.vocab_size, cell="lstm", n_layer=self.n_layer, hidden=self.hidden,
                         dropout=self.dropout)

    def parameters(self) -> int:
        e, f, n = self.d_embd, self.d_filters, len(self.widths()) * self.d_filters
        convs = sum(w * e * f + f for w in self.widths())
        return self.generator().parameters() + self.vocab_size * e + convs + 2 * (n * n + n) + n + 1

    def __post_init__(self):
        self.widths()
        check_config(self)


class Discriminator(nn.Module):
    """Kim's CNN over token ids (B, L) -> a logit (B,) that the excerpt is real."""

    def __init__(self, c: GANConfig):
        super().__init__()
        self.embed = nn.Embedding(c.vocab_size, c.d_embd)
        self.convs = nn.ModuleList(nn.Conv1d(c.d_embd, c.d_filters, w) for w in c.widths())
        n = len(self.convs) * c.d_filters
        self.highway = nn.Linear(n, 2 * n)  # SeqGAN's highway: a gate and a transform
        self.out = nn.Linear(n, 1)

    def forward(self, x):
        e = self.embed(x).transpose(1, 2)  # (B, E, L)
        h = torch.cat([F.relu(conv(e)).amax(-1) for conv in self.convs], dim=-1)  # (B, n)
        gate, transform = self.highway(h).chunk(2, dim=-1)
        g = torch.sigmoid(gate)
        return self.out(g * F.relu(transform) + (1 - g) * h)[:, 0]


class GAN(SequenceModel):
    """A generator (an LSTM language model over excerpts after BOS) and its discriminator."""

    name = "gan"
    data_kind = "excerpts"  # tunesmith.training.excerpts

    def __init__(self, config: GANConfig):
        super().__init__(config)
        self.generator = RNN(config.generator())
        self.discriminator = Discriminator(config)
        self.register_buffer("steps_trained", torch.zeros((), dtype=torch.long))

    @property
    def embed(self):
        return self.generator.embed

    def logits(self, ids):
        return self.generator.logits(ids)

    def init_state(self, batch_size: int, device=None) -> State:
        return self.generator.init_state(batch_size, device)

    def forward_incremental(self, ids, state: State):
        return self.generator.forward_incremental(ids, state)

    def num_params(self, embedding: bool = True) -> int:
        return sum({p.data_ptr(): p.numel() for p in self.parameters()}.values())

    def flops_per_token(self, context: int) -> float:
        return self.generator.flops_per_token(context)

    def adversarial_weight(self, step: int) -> float:
        """0 while pre-training, then a linear ramp to `adversarial` over `pretrain_steps` more steps."""
        c = self.config
        if c.pretrain_steps == 0:
            return c.adversarial
        return c.adversarial * min(1.0, max(0.0, (step - c.pretrain_steps) / c.pretrain_steps))

    @torch.no_grad()
    def sample(self, n: int, length: int, device=None, temperature: float = 1.0) -> torch.Tensor:
        """(n, length) excerpts of body tokens from the generator (torch's global random stream)."""
        state = self.generator.init_state(n, device)
        nxt = torch.full((n, 1), BOS, dtype=torch.long, device=device)
        out = []
        for _ in range(length):
            logits, state = self.generator.forward_incremental(nxt, state)
            logits = logits[:, -1].float()
            if self.config.body_start < logits.size(-1):  # a voice grid: body tokens only
                logits[:, : self.config.body_start] = -math.inf
            nxt = torch.multinomial(torch.softmax(logits / temperature, -1), 1)
            out.append(nxt)
        return torch.cat(out, dim=1)

    def _inputs(self, x):
        return torch.cat([torch.full_like(x[:, :1], BOS), x[:, :-1]], dim=1)

    def excerpt_nll(self, x):
        """(B,) the generator's NLL of excerpts x (B, L) after BOS: exact."""
        logits = self.generator.logits(self._inputs(x))
        return F.cross_entropy(logits.float().transpose(1, 2), x, reduction="none").sum(1)

    def training_step(self, batch):
        (x,) = batch
        c = self.config
        step = int(self.steps_trained)
        if self.training:
            self.steps_trained += 1
        length = x.size(1)
        mle = self.excerpt_nll(x).mean() / length
        was = self.generator.training
        self.generator.eval()  # fakes sampled and scored without dropout: log p is that of the sampler
        fake = self.sample(len(x), length, x.device)
        logp = -self.excerpt_nll(fake)  # (B,) with gradient, for the policy gradient
        self.generator.train(was)
        real_logit, fake_logit = self.discriminator(x), self.discriminator(fake)
        d_loss = (F.binary_cross_entropy_with_logits(real_logit, torch.ones_like(real_logit))
                  + F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit)))
        reward = torch.sigmoid(fake_logit).detach()  # (B,) D's belief that each fake is real
        n = len(reward)
        baseline = (reward.sum() - reward) / (n - 1) if n > 1 else torch.zeros_like(reward)
        adv = self.adversarial_weight(step)
        g_adv = -((reward - baseline) * logp).mean() / length
        loss = c.mle * mle + adv * g_adv + d_loss
        logs = {"mle": mle.detach(), "d_loss": d_loss.detach(), "d_real": torch.sigmoid(real_logit).mean().detach(),
                "d_fake": reward.mean(), "adversarial": torch.tensor(adv)}
        return loss, logs
