"""A trained latent model (tunesmith.models.latent) as a space to move through: pieces cut into the spans it
reads and encoded, latent vectors decoded back into scores, paths and neighbourhoods in between.

    space = Space.load("folk-vae-2bar")                # a shipped model's name or a checkpoint folder
    spans, cond = space.spans(score)                   # (S, L) body ids: the piece in spans of the model's bars
    mu, logvar = space.encode(spans)                   # (S, D) each
    ids = space.decode(z, temperature=0.0)             # (N, L): greedy (0) or sampled
    score = space.to_score(ids, cond)                  # spans back to back as one score
    path = slerp(mu_a, mu_b, np.linspace(0, 1, 7))     # (7, S, D): MusicVAE's spherical interpolation
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tunesmith.errors import TunesmithError
from tunesmith.score.model import Score


@dataclass
class Space:
    name: str
    path: Path
    model: object
    tokenizer: object
    config: dict
    layout: dict  # bars, steps_per_bar, voices, length, meters (tunesmith.data.excerpts)

    @classmethod
    def load(cls, ref: str) -> Space:
        """A latent model by shipped name or checkpoint folder, with its tokenizer and excerpt layout."""
        from tunesmith.generation.load import load
        from tunesmith.models.latent import LatentModel

        loaded = load(ref)
        if not isinstance(loaded.model, LatentModel):
            raise TunesmithError(f"{ref}: a {loaded.config['model']['name']} model has no latent space; give a VAE "
                                 "(tunesmith models lists the shipped ones)")
        layout = loaded.config.get("data", {}).get("excerpts")
        if not isinstance(layout, dict) or not {"bars", "steps_per_bar", "voices", "length", "meters"} <= set(layout):
            raise TunesmithError(f"{loaded.path}: config.json does not say what excerpts the model reads")
        return cls(loaded.name, loaded.path, loaded.model, loaded.tokenizer, loaded.config, layout)

    @property
    def latent(self) -> int:
        return int(self.model.config.latent)

    def bars_of(self, score: Score) -> int:
        """Whole bars a score spans (a last bar begun counts)."""
        return max(1, math.ceil(score.end / score.time_signatures[0].bar_ticks)) if score.end else 0

    def spans(self, score: Score, bars: int | None = None, label: str = "the piece"):
        """(spans (S, L) int64, Conditioning): the score's first `bars` bars (all if None) cut into spans of the
        model's bars, padded with rests to whole bars. A meter the model does not read, a piece shorter than a
        span, or a number of bars that is not a whole number of spans is a TunesmithError."""
        from tunesmith.data.tokenize import with_key

        ts = score.time_signatures[0]
        meter, span = f"{ts.numerator}/{ts.denominator}", int(self.layout["bars"])
        if meter not in self.layout["meters"]:
            raise TunesmithError(f"{label} is in {meter}; {self.name} reads {' or '.join(self.layout['meters'])}")
        have = self.bars_of(score)
        n = have if bars is None else bars
        if n < 1 or n > have:
            raise TunesmithError(f"{label} has {have} bars, {n} asked for")
        if n % span:
            raise TunesmithError(f"{label} has {n} bars; {self.name} reads {span}-bar spans: give a multiple of "
                                 f"{span} bars (--bars)")
        ids = self.tokenizer.encode(with_key(score))
        cond, body = self.tokenizer.split_prefix(ids)
        bar_len = int(self.layout["steps_per_bar"]) * int(self.layout["voices"])
        body = np.array(body[: n * bar_len], np.int64)
        body = np.concatenate([body, np.full(n * bar_len - len(body), self.tokenizer.rest_id, np.int64)])
        return body.reshape(n // span, span * bar_len), cond

    def encode(self, spans) -> tuple[np.ndarray, np.ndarray]:
        """(mu, logvar), each (S, D), of spans (S, L)."""
        import torch

        with torch.inference_mode():
            mu, logvar = self.model.encode(torch.as_tensor(np.asarray(spans), dtype=torch.long))
        return mu.float().numpy(), logvar.float().numpy()

    def decode(self, z, temperature: float = 0.0, seed: int = 0) -> np.ndarray:
        """(N, L) body ids decoded from z (N, D): the most likely token at each step (temperature 0) or sampled
        at `temperature`; only body tokens (Rest, Hold, Pitch) are allowed."""
        import torch

        from tunesmith.generation.generate import one_thread
        from tunesmith.models.latent import BOS

        z = torch.as_tensor(np.asarray(z), dtype=torch.float32).view(-1, self.latent)
        vocab = self.tokenizer.vocab
        body = torch.zeros(len(vocab), dtype=torch.bool)
        body[[vocab["Rest"], vocab["Hold"], *vocab.ids("Pitch_")]] = True
        gen = torch.Generator().manual_seed(seed)
        out = []
        with one_thread(), torch.inference_mode():
            dec = self.model.given(z)
            state = dec.init_state(z.size(0))
            nxt = torch.full((z.size(0), 1), BOS, dtype=torch.long)
            for _ in range(int(self.layout["length"])):
                logits, state = dec.forward_incremental(nxt, state)
                logits = logits[:, -1].float().masked_fill(~body, -math.inf)
                if temperature <= 0:
                    nxt = logits.argmax(-1, keepdim=True)
                else:
                    nxt = torch.multinomial(torch.softmax(logits / temperature, -1), 1, generator=gen)
                out.append(nxt)
        return torch.cat(out, dim=1).numpy()

    def to_score(self, spans, cond=None) -> Score:
        """Spans (S, L) decoded back to back into one score, with `cond`'s meter and tempo and the key the notes
        suggest (a path between two keys need not keep the first one's)."""
        from dataclasses import replace

        from tunesmith.data.tokenize import with_key
        from tunesmith.representation.base import Conditioning

        cond = replace(cond or Conditioning(meter=self.layout["meters"][0]), key=None)
        vocab = self.tokenizer.vocab
        prefix = [vocab["BOS"]] + [vocab[t] for t in cond.tokens() if t in vocab]
        body = np.asarray(spans, np.int64).ravel().tolist()
        return with_key(self.tokenizer.decode(prefix + body + [vocab["EOS"]]))


def slerp(a: np.ndarray, b: np.ndarray, t) -> np.ndarray:
    """Spherical interpolation from a to b (each (..., D)) at fractions t (T,): (T, ..., D). Along the great
    circle, so that every point has a norm typical of the prior's samples (MusicVAE; White 2016); linear where
    a and b are (anti)parallel."""
    t = np.asarray(t, np.float64)
    na, nb = np.linalg.norm(a, axis=-1, keepdims=True), np.linalg.norm(b, axis=-1, keepdims=True)
    cos = np.clip(np.sum(a * b, axis=-1, keepdims=True) / np.maximum(na * nb, 1e-12), -1.0, 1.0)
    omega = np.arccos(cos)
    so = np.sin(omega)
    out = []
    for u in t:
        lin = (1 - u) * a + u * b
        sph = (np.sin((1 - u) * omega) * a + np.sin(u * omega) * b) / np.where(so < 1e-6, 1.0, so)
        out.append(np.where(so < 1e-6, lin, sph))
    return np.stack(out).astype(np.float32)


def hamming(a, b) -> float:
    """Share of tokens that differ between two equal-length id sequences."""
    a, b = np.asarray(a).ravel(), np.asarray(b).ravel()
    return float(np.mean(a != b))
