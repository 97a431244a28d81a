"""A decoder-only Transformer: pre-norm blocks, rotary position embeddings (Su et al. 2021, relative
positions without a learned table), `scaled_dot_product_attention`, a key/value cache for incremental
decoding (buffers filled in place; one token at a time runs compiled on CPU, see transformer_step), and a
slow path that returns the attention weights for visualization."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from tunesmith.errors import ConfigError
from tunesmith.models.base import SequenceModel, State, check_config


@dataclass(frozen=True)
class TransformerConfig:
    vocab_size: int = 0
    n_layer: int = 6
    n_head: int = 8
    n_embd: int = 512
    block_size: int = 512  # training context; the cache keeps this many positions when generating longer
    dropout: float = 0.1
    bias: bool = False
    rope_base: float = 10000.0
    tie_embeddings: bool = True

    SIZES: ClassVar[dict] = {
        "debug": {"n_layer": 2, "n_head": 2, "n_embd": 32, "block_size": 64},
        "small": {"n_layer": 4, "n_head": 4, "n_embd": 256, "block_size": 256},  # trains on a laptop CPU
        "medium": {"n_layer": 6, "n_head": 8, "n_embd": 512, "block_size": 512},
        "large": {"n_layer": 12, "n_head": 12, "n_embd": 768, "block_size": 1024},  # for a GPU
    }

    # the key/value cache holds 2 * block_size positions a row: 16384 of the "large" model are 1.2 GB
    BOUNDS: ClassVar[dict] = {"vocab_size": (0, 1 << 20), "n_layer": (1, 256), "n_head": (1, 256),
                              "n_embd": (2, 1 << 16), "block_size": (1, 16384), "dropout": (0, 1),
                              "rope_base": (1, 1e9)}

    def parameters(self) -> int:
        """The number of parameters of the model, without building it (equal to `num_params()`)."""
        C, L = self.n_embd, self.n_layer
        per_layer = 12 * C * C + 2 * C + (11 * C if self.bias else 0)  # qkv, proj, MLP; two norms; biases
        heads = 1 if self.tie_embeddings else 2
        return heads * self.vocab_size * C + L * per_layer + C + (C if self.bias else 0)

    def __post_init__(self):
        check_config(self)
        if self.n_embd % self.n_head or (self.n_embd // self.n_head) % 2:
            raise ConfigError(f"n_embd {self.n_embd} must split into {self.n_head} heads of even size")


def rotary(pos: torch.Tensor, dim: int, base: float) -> torch.Tensor:
    """Unit complex numbers (T, D/2) turning pair i of a head at position p by p * base^(-2i/D)."""
    inv = base ** (-torch.arange(0, dim, 2, device=pos.device, dtype=torch.float32) / dim)  # (D/2,)
    ang = pos.float()[:, None] * inv[None]  # (T, D/2)
    return torch.polar(torch.ones_like(ang), ang)


def rotate(x: torch.Tensor, rot: torch.Tensor) -> torch.Tensor:
    """Rotary embedding (Su et al. 2021) of x (B, H, T, D): adjacent pairs (2i, 2i+1) as complex numbers
    times `rot`. One complex multiply is ~4x faster on CPU than the rotate-half form with its slices."""
    xc = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))  # (B, H, T, D/2)
    return torch.view_as_real(xc * rot).flatten(-2).to(x.dtype)


class Attention(nn.Module):
    def __init__(self, c: TransformerConfig):
        super().__init__()
        self.c = c
        self.qkv = nn.Linear(c.n_embd, 3 * c.n_embd, bias=c.bias)
        self.proj = nn.Linear(c.n_embd, c.n_embd, bias=c.bias)
        self.drop = nn.Dropout(c.dropout)

    def forward(self, x, rot, cache=None, weights=False, window=None):
        """x (B, T, C) with `rot` the rotary factors of its positions. `cache` (k, v, n, keep): key and value
        buffers (B, H, N, D) holding n earlier positions, of which the queries see the last `keep`; the new
        keys and values are written after them, in place. Returns (y (B, T, C), weights (B, H, T, S) or None).
        With `weights`, `window` (if given) lets each query see only the last `window` positions, itself
        included, as a token generated one at a time sees them (see `Transformer.attention`)."""
        B, T, C = x.shape
        H = self.c.n_head
        q, k, v = self.qkv(x).view(B, T, 3, H, C // H).permute(2, 0, 3, 1, 4)  # each (B, H, T, D)
        q, k = rotate(q, rot), rotate(k, rot)
        if cache is not None:
            kb, vb, n, keep = cache
            kb[:, :, n:n + T], vb[:, :, n:n + T] = k, v
            k, v = kb[:, :, n - keep:n + T], vb[:, :, n - keep:n + T]  # (B, H, S, D)
        S = k.size(2)
        # query i sits at key index S - T + i and sees keys up to there
        mask = None
        if T > 1 and S > T:
            mask = torch.ones(T, S, dtype=torch.bool, device=x.device).tril(S - T)
        w = None
        if weights:
            att = (q @ k.transpose(-2, -1)) / math.sqrt(q.size(-1))  # (B, H, T, S)
            seen = mask if mask is not None else torch.ones(T, S, dtype=torch.bool, device=x.device).tril(S - T)
            if window is not None:
                seen = seen.triu(S - T - window + 1)
            w = att.float().masked_fill(~seen, float("-inf")).softmax(-1)
            y = w.to(v.dtype) @ v
        else:
            p = self.c.dropout if self.training else 0.0
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p, is_causal=mask is None and T > 1)
        y = y.transpose(1, 2).reshape(B, T, C)
        return self.drop(self.proj(y)), w


class Block(nn.Module):
    def __init__(self, c: TransformerConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(c.n_embd, bias=c.bias)
        self.attn = Attention(c)
        self.ln2 = nn.LayerNorm(c.n_embd, bias=c.bias)
        self.mlp = nn.Sequential(nn.Linear(c.n_embd, 4 * c.n_embd, bias=c.bias), nn.GELU(),
                                 nn.Linear(4 * c.n_embd, c.n_embd, bias=c.bias), nn.Dropout(c.dropout))

    def forward(self, x, rot, cache=None, weights=False, window=None):
        a, w = self.attn(self.ln1(x), rot, cache, weights, window)
        x = x + a
        return x + self.mlp(self.ln2(x)), w


class Transformer(SequenceModel):
    name = "transformer"
    attends = True

    def __init__(self, config: TransformerConfig):
        super().__init__(config)
        c = config
        self.embed = nn.Embedding(c.vocab_size, c.n_embd)
        self.drop = nn.Dropout(c.dropout)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.n_layer))
        self.ln_f = nn.LayerNorm(c.n_embd, bias=c.bias)
        self.head = nn.Linear(c.n_embd, c.vocab_size, bias=False)
        if c.tie_embeddings:
            self.head.weight = self.embed.weight
        # GPT-2 init: N(0, 0.02), residual projections scaled down by depth
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * c.n_layer) if name.endswith(("attn.proj.weight", "mlp.2.weight")) else 0.02
                nn.init.normal_(p, std=std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def _run(self, ids, start: int, caches=None, weights=False, window=None):
        c = self.config
        pos = torch.arange(start, start + ids.size(1), device=ids.device)
        rot = rotary(pos, c.n_embd // c.n_head, c.rope_base)  # once for all layers
        x = self.drop(self.embed(ids))  # (B, T, C)
        ws = []
        for i, block in enumerate(self.blocks):
            x, w = block(x, rot, caches[i] if caches else None, weights, window)
            ws.append(w)
        return self.head(self.ln_f(x)), ws

    def logits(self, ids):
        return self._run(ids, 0)[0]

    def attention_weights(self, ids) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """(logits, [per layer (B, H, T, T) attention weights]) through explicit softmax, for visualization."""
        logits, ws = self._run(ids, 0, weights=True)
        return logits, ws

    def attention(self, ids) -> torch.Tensor:
        """(B, L, H, T, T) attention weights (see the contract in tunesmith.models.base), each query seeing the
        last block_size positions as when generating: the key/value cache keeps block_size - 1 past positions
        (`make_room`), so past the training context the weights are those the composer's model attended with."""
        _, ws = self._run(ids, 0, weights=True, window=self.config.block_size)
        return torch.stack(ws, dim=1)

    def init_state(self, batch_size: int, device=None) -> State:
        """Key and value buffers "k" and "v" (B, L, H, N, D), filled in place as tokens come, with `cached` the
        number of positions they hold and `pos` the position of the next token."""
        c = self.config
        empty = torch.zeros(batch_size, c.n_layer, c.n_head, 0, c.n_embd // c.n_head, device=device)
        zeros = torch.zeros(batch_size, dtype=torch.long, device=device)
        # the compiled single-token step (transformer_step) with a copy of the weights, made where every
        # generation starts
        from tunesmith.models.transformer_step import CompiledStep  # numba: imported by generation only

        w = self.embed.weight
        self._fast_step = CompiledStep(self) if w.device.type == "cpu" and w.dtype == torch.float32 else None
        return {"pos": zeros, "cached": zeros, "k": empty, "v": empty}

    def make_room(self, state: State, n: int, T: int) -> tuple[State, int]:
        """(state, n) with room in the buffers for T positions after the n they hold. When full: new buffers
        with the block_size - 1 positions still seen (rotary positions are relative, so sliding the window
        needs no renumbering) and room for block_size more tokens, so that the copy comes once every block_size
        tokens; `state` is then changed (pass a copy of the dict), the tensors it held are not."""
        if n + T <= state["k"].size(3):
            return state, n
        S = self.config.block_size
        keep = min(n, S - 1)
        for name in ("k", "v"):
            old = state[name]
            state[name] = old.new_zeros(*old.shape[:3], keep + T + S, old.size(4))
            state[name][:, :, :, :keep] = old[:, :, :, n - keep:n]
        return state, keep

    def forward_incremental(self, ids, state: State):
        """Writes the new keys and values into the state's buffers past the positions it holds, so that a
        token costs no copy of the cache; see the contract in tunesmith.models.base."""
        B, T = ids.shape
        start, n = (state["pos"].tolist()[0], state["cached"].tolist()[0]) if B else (0, 0)
        keep = min(n, self.config.block_size - 1)  # the new tokens see block_size - 1 past positions
        state, n = self.make_room(dict(state), n, T)
        fast = getattr(self, "_fast_step", None)
        k, v = state["k"], state["v"]
        if T == 1 and fast is not None and not self.training and not torch.is_grad_enabled() \
                and k.dtype == torch.float32 and k.device.type == "cpu":
            logits = torch.from_numpy(fast(ids.numpy()[:, 0], k.numpy(), v.numpy(), n, keep, start)[:, None])
        else:
            caches = [(k[:, i], v[:, i], n, keep) for i in range(self.config.n_layer)]
            logits, _ = self._run(ids, start, caches)
        state["pos"] = state["pos"] + T
        state["cached"] = torch.full_like(state["cached"], n + T)
        return logits, state

    def flops_per_token(self, context: int) -> float:
        # + attention scores and weighted sum: 2 matmuls of T x D per head and layer (PaLM appendix B)
        c = self.config
        return super().flops_per_token(context) + 12.0 * c.n_layer * c.n_embd * context
