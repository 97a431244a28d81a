"""An LSTM that attends over its own recent outputs: the design of Magenta's attention_rnn
(Waite 2016, "Generating long-term structure in songs and stories"), which wraps the LSTM stack in
TensorFlow's AttentionCellWrapper with Bahdanau-style additive attention (Bahdanau et al. 2015).

At step t, with m_{t-A} .. m_{t-1} the last A outputs and a_{t-1} the previous attention read:
    x'_t  = W_in [x_t ; a_{t-1}]                       input mixed with what was attended to
    s_t   = LSTM stack(x'_t, s_{t-1})                  (c, h) of every layer
    e_i   = v . tanh(W_m m_i + W_q [c_1; h_1; ..; c_L; h_L])   additive score of each remembered output
    a_t   = sum_i softmax(e)_i m_i
    m_t   = W_out [h_L ; a_t]                          the output, fed to the softmax and remembered
Unlike Magenta, slots of the window not yet filled are masked out rather than attended to as zeros.
The model is sequential by construction: `logits` is `forward_incremental` from the empty state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from tunesmith.models.base import SequenceModel, State, check_config


@dataclass(frozen=True)
class AttentionRNNConfig:
    vocab_size: int = 0
    n_layer: int = 2
    hidden: int = 512
    n_embd: int = 0  # 0: same as hidden
    attn_length: int = 40  # how many past outputs are attended to (Magenta's default)
    dropout: float = 0.1
    tie_embeddings: bool = True

    SIZES: ClassVar[dict] = {
        "debug": {"n_layer": 2, "hidden": 32, "attn_length": 5},
        "small": {"n_layer": 2, "hidden": 256, "attn_length": 40},
        "medium": {"n_layer": 3, "hidden": 512, "attn_length": 64},
    }
    BOUNDS: ClassVar[dict] = {"vocab_size": (0, 1 << 20), "n_layer": (1, 256), "hidden": (1, 1 << 16),
                              "n_embd": (0, 1 << 16), "attn_length": (1, 4096), "dropout": (0, 1)}

    def parameters(self) -> int:
        """The number of parameters of the model, without building it (equal to `num_params()`)."""
        h, emb, L = self.hidden, self.n_embd or self.hidden, self.n_layer
        cells = sum(4 * h * ((emb if i == 0 else h) + h + 2) for i in range(L))
        attention = h * h + (2 * L * h * h + h) + h + (2 * h * h + h)  # W_m, W_q, v, W_out
        proj = h * emb if self.tie_embeddings and emb != h else 0
        head = 0 if self.tie_embeddings else h * self.vocab_size
        return self.vocab_size * emb + (emb * emb + emb) + h * emb + cells + attention + proj + head

    def __post_init__(self):
        check_config(self)


class AttentionRNN(SequenceModel):
    name = "attention-rnn"
    attends = True

    def __init__(self, config: AttentionRNNConfig):
        super().__init__(config)
        c = config
        emb, h = c.n_embd or c.hidden, c.hidden
        self.embed = nn.Embedding(c.vocab_size, emb)
        self.drop = nn.Dropout(c.dropout)
        self.in_x = nn.Linear(emb, emb)  # W_in split in two: the token part runs once over the whole chunk
        self.in_a = nn.Linear(h, emb, bias=False)
        self.cells = nn.ModuleList(nn.LSTMCell(emb if i == 0 else h, h) for i in range(c.n_layer))
        self.att_m = nn.Linear(h, h, bias=False)  # W_m, applied once per output as it enters the window
        self.att_q = nn.Linear(2 * c.n_layer * h, h)  # W_q
        self.att_v = nn.Linear(h, 1, bias=False)  # v
        self.out = nn.Linear(2 * h, h)  # W_out
        self.proj = nn.Linear(h, emb, bias=False) if c.tie_embeddings and emb != h else nn.Identity()
        self.head = nn.Linear(emb if c.tie_embeddings else h, c.vocab_size, bias=False)
        if c.tie_embeddings:
            self.head.weight = self.embed.weight
        nn.init.normal_(self.embed.weight, std=0.02 if c.tie_embeddings else 1.0)
        for cell in self.cells:  # forget-gate bias 1
            with torch.no_grad():
                cell.bias_ih[h:2 * h].fill_(1.0)

    def init_state(self, batch_size: int, device=None) -> State:
        c = self.config
        z = lambda *s: torch.zeros(batch_size, *s, device=device)  # noqa: E731
        return {
            "h": z(c.n_layer, c.hidden), "c": z(c.n_layer, c.hidden),  # LSTM stack, batch first
            "attn": z(c.hidden),  # a_{t-1}
            "mem": z(c.attn_length, c.hidden),  # last outputs m, oldest first
            "mem_keys": z(c.attn_length, c.hidden),  # W_m m of the same, computed once
            "filled": torch.zeros(batch_size, c.attn_length, dtype=torch.bool, device=device),
        }

    def forward_incremental(self, ids, state: State):
        return self._scan(ids, state)

    def attention(self, ids) -> torch.Tensor:
        """(B, 1, 1, T, T) attention weights (see the contract in tunesmith.models.base): position t attends over
        the outputs of the last `attn_length` positions before it (slot a of the window at step t is position
        t - A + a); the weight an empty slot gets before the window fills is left out."""
        B, T = ids.shape
        A = self.config.attn_length
        steps: list[torch.Tensor] = []
        self._scan(ids, self.init_state(B, ids.device), steps)
        out = torch.zeros(B, T, T + A, device=ids.device)  # columns: positions -A .. T-1
        for t, w in enumerate(steps):  # w (B, A)
            out[:, t, t:t + A] = w.float()
        return out[:, None, None, :, A:]

    def _scan(self, ids, state: State, weights: list | None = None):
        """forward_incremental; with `weights` (a list) each step's attention over the window (B, A) is
        appended to it."""
        xs = self.in_x(self.drop(self.embed(ids)))  # (B, T, E)
        hs, cs = list(state["h"].unbind(1)), list(state["c"].unbind(1))
        attn, mem, keys, filled = state["attn"], state["mem"], state["mem_keys"], state["filled"]
        outs = []
        for t in range(ids.size(1)):
            inp = xs[:, t] + self.in_a(attn)  # (B, E)
            for i, cell in enumerate(self.cells):
                hs[i], cs[i] = cell(inp, (hs[i], cs[i]))
                inp = self.drop(hs[i])
            query = torch.cat([v for pair in zip(cs, hs) for v in pair], dim=-1)  # (B, 2LH)
            e = self.att_v(torch.tanh(keys + self.att_q(query)[:, None])).squeeze(-1)  # (B, A)
            # unfilled slots get ~0 weight; if none is filled the weights are uniform over zeros: a = 0
            w = torch.softmax(e.float().masked_fill(~filled, -1e9), dim=-1).to(mem.dtype)
            if weights is not None:
                weights.append(w)
            attn = torch.einsum("ba,bah->bh", w, mem)  # (B, H)
            m = self.out(torch.cat([hs[-1], attn], dim=-1))  # (B, H)
            outs.append(m)
            mem = torch.cat([mem[:, 1:], m[:, None]], dim=1)
            keys = torch.cat([keys[:, 1:], self.att_m(m)[:, None]], dim=1)
            filled = torch.cat([filled[:, 1:], torch.ones_like(filled[:, :1])], dim=1)
        y = torch.stack(outs, dim=1) if outs else xs.new_zeros(ids.size(0), 0, self.config.hidden)
        logits = self.head(self.proj(self.drop(y)))
        new = {"h": torch.stack(hs, 1), "c": torch.stack(cs, 1), "attn": attn, "mem": mem, "mem_keys": keys,
               "filled": filled}
        return logits, new

    def logits(self, ids):
        return self.forward_incremental(ids, self.init_state(ids.size(0), ids.device))[0]

    def flops_per_token(self, context: int) -> float:
        # + scoring (tanh and v) and reading the window: ~4 A H multiply-adds forward, x3 with backward
        return super().flops_per_token(context) + 12.0 * self.config.attn_length * self.config.hidden
