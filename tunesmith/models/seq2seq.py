"""An LSTM encoder-decoder with attention (Sutskever et al. 2014; Bahdanau et al. 2015; Luong et al. 2015):
a bidirectional LSTM reads the whole source, an LSTM writes the target, and at every target position
multi-head dot-product attention reads the source.

    e_j   = BiLSTM(embed(src))_j                               (B, S, 2 He)  both directions: the whole source
    h_i   = LSTM(embed(ids))_i                                 (B, T, H)     the target so far
    q_i   = R_i W_q h_i,   k_j = R_j W_k e_j,   v_j = W_v e_j  per head; R_p a rotary turn by position p
    a_i   = sum_j softmax_j(q_i . k_j / sqrt(D)) v_j           (Luong's "general" score, no input feeding)
    out_i = tanh(LayerNorm(W_o [h_i; a_i]))  ->  logits        (a head of its own, or tied to the embedding)

Rotary positions (Su et al. 2021) make a score depend on the content and on the distance i - j only: in the
layouts tunesmith trains on, position j of the source is the cell of position j of the target (a voice grid
with some cells masked), so a head can learn to look a fixed number of grid steps ahead, at any length.
The LayerNorm is not Luong's: without it both shipped layouts sat for hundreds of steps on their unigram (the
accompanist for all its 2,000; a chord cell is 85% Hold), held there by the tanh layer (an LSTM language model
without it leaves at once); with it, and with a head of its own, the same 300 steps on the lead sheets reach 0.45 nats
a chord cell against 0.90 (bench/RESULTS.md, "The seq2seq's plateau").
Without input feeding the decoder LSTM runs over a whole target in one fused call when training, and the
attention of every position at once; a single token at a time (generating) gives the same logits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from tunesmith.errors import ConfigError
from tunesmith.models.base import State, check_config
from tunesmith.models.conditional import PAD, ConditionalModel
from tunesmith.models.transformer import rotary, rotate


@dataclass(frozen=True)
class Seq2SeqConfig:
    vocab_size: int = 0  # shared by source and target
    n_embd: int = 128
    enc_hidden: int = 128  # per direction
    enc_layers: int = 2
    hidden: int = 256  # decoder
    dec_layers: int = 2
    n_head: int = 4
    attn_dim: int = 128  # query/key/value width, split over the heads
    dropout: float = 0.1
    rope_base: float = 10000.0
    # a target position attends to source positions at most this far from its own (0: all): set to the training
    # crop's length, so that a whole piece is read at the distances the model learned (as the Transformer's
    # window is its block_size)
    window: int = 0
    tie_embeddings: bool = False  # tied, the head starts as small as the embedding and learns slower

    SIZES: ClassVar[dict] = {
        "debug": {"n_embd": 16, "enc_hidden": 16, "enc_layers": 1, "hidden": 32, "dec_layers": 1, "n_head": 2,
                  "attn_dim": 16},
        "small": {"n_embd": 128, "enc_hidden": 128, "enc_layers": 2, "hidden": 256, "dec_layers": 2, "n_head": 4,
                  "attn_dim": 128},
        "medium": {"n_embd": 256, "enc_hidden": 256, "enc_layers": 2, "hidden": 512, "dec_layers": 2, "n_head": 8,
                   "attn_dim": 256},
    }
    BOUNDS: ClassVar[dict] = {"vocab_size": (0, 1 << 20), "n_embd": (1, 1 << 16), "enc_hidden": (1, 1 << 16),
                              "enc_layers": (1, 64), "hidden": (1, 1 << 16), "dec_layers": (1, 64),
                              "n_head": (1, 256), "attn_dim": (2, 1 << 16), "dropout": (0, 1),
                              "rope_base": (1, 1e9), "window": (0, 1 << 20)}

    def parameters(self) -> int:
        """The number of parameters of the model, without building it (equal to `num_params()`)."""
        E, He, H, A = self.n_embd, self.enc_hidden, self.hidden, self.attn_dim

        def lstm(inp, h, layers, directions):
            return sum(directions * 4 * h * ((inp if i == 0 else directions * h) + h + 2) for i in range(layers))

        enc = lstm(E, He, self.enc_layers, 2)
        dec = lstm(E, H, self.dec_layers, 1)
        attention = H * A + 2 * (2 * He * A) + (H + A) * E + E + 2 * E
        head = 0 if self.tie_embeddings else E * self.vocab_size
        return self.vocab_size * E + enc + dec + attention + head

    def __post_init__(self):
        check_config(self)
        if self.attn_dim % self.n_head or (self.attn_dim // self.n_head) % 2:
            raise ConfigError(f"attn_dim {self.attn_dim} must split into {self.n_head} heads of even size")


class Seq2Seq(ConditionalModel):
    name = "seq2seq"

    def __init__(self, config: Seq2SeqConfig):
        super().__init__(config)
        c = config
        self.embed = nn.Embedding(c.vocab_size, c.n_embd)
        self.drop = nn.Dropout(c.dropout)
        self.encoder = nn.LSTM(c.n_embd, c.enc_hidden, c.enc_layers, batch_first=True, bidirectional=True,
                               dropout=c.dropout if c.enc_layers > 1 else 0.0)
        self.decoder = nn.LSTM(c.n_embd, c.hidden, c.dec_layers, batch_first=True,
                               dropout=c.dropout if c.dec_layers > 1 else 0.0)
        self.att_q = nn.Linear(c.hidden, c.attn_dim, bias=False)
        self.att_k = nn.Linear(2 * c.enc_hidden, c.attn_dim, bias=False)
        self.att_v = nn.Linear(2 * c.enc_hidden, c.attn_dim, bias=False)
        self.out = nn.Linear(c.hidden + c.attn_dim, c.n_embd)
        self.out_norm = nn.LayerNorm(c.n_embd)
        self.head = nn.Linear(c.n_embd, c.vocab_size, bias=False)
        if c.tie_embeddings:
            self.head.weight = self.embed.weight
        nn.init.normal_(self.embed.weight, std=0.02 if c.tie_embeddings else 1.0)
        for lstm, h in ((self.encoder, c.enc_hidden), (self.decoder, c.hidden)):
            for name, p in lstm.named_parameters():
                if name.startswith("bias_ih"):  # forget-gate bias 1 (Jozefowicz et al. 2015)
                    with torch.no_grad():
                        p[h:2 * h].fill_(1.0)

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        B, T, _ = x.shape
        return x.view(B, T, self.config.n_head, -1).transpose(1, 2)  # (B, heads, T, D)

    def _rot(self, start: int, length: int, device) -> torch.Tensor:
        c = self.config
        return rotary(torch.arange(start, start + length, device=device), c.attn_dim // c.n_head, c.rope_base)

    def encode(self, src: torch.Tensor) -> State:
        """Keys (rotated by source position) and values per head (B, heads, S, D), and which positions are
        real (B, S). Packed, so that padding never reaches a real position through the backward direction."""
        valid = src != PAD
        lengths = valid.sum(1).clamp_min(1).cpu()
        x = self.drop(self.embed(src))  # (B, S, E)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        e, _ = self.encoder(packed)
        e, _ = pad_packed_sequence(e, batch_first=True, total_length=src.size(1))  # (B, S, 2 He)
        e = self.drop(e)
        keys = rotate(self._heads(self.att_k(e)), self._rot(0, src.size(1), src.device))
        return {"keys": keys, "values": self._heads(self.att_v(e)), "valid": valid}

    def init_state(self, memory: State) -> State:
        c, B = self.config, memory["valid"].size(0)
        z = memory["keys"].new_zeros(B, c.dec_layers, c.hidden)
        return {"h": z, "c": z, "pos": torch.zeros(B, dtype=torch.long, device=z.device), **memory}

    def _attend(self, y: torch.Tensor, start: int, state: State) -> tuple[torch.Tensor, torch.Tensor]:
        """(context (B, T, A), weights (B, heads, T, S)) of decoder outputs y (B, T, H) at positions start.."""
        q = rotate(self._heads(self.att_q(y)), self._rot(start, y.size(1), y.device))
        keys, values, valid = state["keys"], state["values"], state["valid"]
        if y.size(1) == 1 and self.config.window and not self.training:  # one step: read its window only
            lo, hi = max(0, start - self.config.window), start + self.config.window + 1
            scores = (q @ keys[:, :, lo:hi].transpose(-2, -1)) / math.sqrt(q.size(-1))
            w = torch.nan_to_num(scores.float().masked_fill(~valid[:, None, None, lo:hi], float("-inf")).softmax(-1))
            ctx = (w.to(q.dtype) @ values[:, :, lo:hi]).transpose(1, 2).flatten(2)
            return ctx, F.pad(w, (lo, max(0, keys.size(2) - hi)))  # the weights over the whole source, as below
        scores = (q @ keys.transpose(-2, -1)) / math.sqrt(q.size(-1))  # (B, heads, T, S)
        seen = valid[:, None, None, :]  # (B, 1, 1, S)
        if self.config.window:
            i = torch.arange(start, start + y.size(1), device=y.device)[:, None]
            j = torch.arange(scores.size(-1), device=y.device)[None]
            near = (i - j).abs() <= self.config.window  # (T, S); every position has itself within reach
            seen = seen & near
        w = scores.float().masked_fill(~seen, float("-inf")).softmax(-1)
        w = torch.nan_to_num(w)  # a row that sees nothing (a target longer than its source) reads nothing
        ctx = (w.to(q.dtype) @ values).transpose(1, 2).flatten(2)  # (B, T, A)
        return ctx, w

    def _decode(self, ids: torch.Tensor, state: State):
        start = int(state["pos"][0]) if ids.size(0) else 0
        x = self.drop(self.embed(ids))  # (B, T, E)
        hx = (state["h"].transpose(0, 1).contiguous(), state["c"].transpose(0, 1).contiguous())
        if ids.size(1) == 1 and not self.training:
            y, (h, c) = self._cell_step(x[:, 0], hx)
        else:
            y, (h, c) = self.decoder(x, hx)  # (B, T, H)
        ctx, w = self._attend(y, start, state)
        logits = self.head(self.drop(torch.tanh(self.out_norm(self.out(torch.cat([y, ctx], dim=-1))))))
        new = {**state, "h": h.transpose(0, 1), "c": c.transpose(0, 1), "pos": state["pos"] + ids.size(1)}
        return logits, new, w

    def _cell_step(self, x: torch.Tensor, hx):
        """The decoder LSTM over one token, layer by layer with torch.lstm_cell: the same numbers as nn.LSTM in
        eval mode, five times faster for a single step on CPU (0.1 ms against 0.5 at this size), which is most of
        a generating step."""
        hs, cs = [], []
        for i in range(self.config.dec_layers):
            w = [getattr(self.decoder, f"{n}_l{i}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            h, c = torch.lstm_cell(x, (hx[0][i], hx[1][i]), *w)
            hs.append(h)
            cs.append(c)
            x = h
        return x[:, None], (torch.stack(hs), torch.stack(cs))

    def forward_incremental(self, ids, state: State):
        logits, new, _ = self._decode(ids, state)
        return logits, new

    def source_attention(self, src, ids) -> torch.Tensor:
        return self._decode(ids, self.init_state(self.encode(src)))[2]
