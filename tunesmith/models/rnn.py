"""Recurrent language models: a stack of RNN, LSTM or GRU layers over token embeddings (Magenta's
melody_rnn / performance_rnn, minus the hand-made input encodings: here the input is one token)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from tunesmith.errors import ConfigError
from tunesmith.models.base import SequenceModel, State, check_config

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}  # weight matrices per layer and direction, by cell


@dataclass(frozen=True)
class RNNConfig:
    vocab_size: int = 0
    cell: str = "lstm"  # one of CELLS
    n_layer: int = 2
    hidden: int = 512
    n_embd: int = 0  # 0: same as hidden
    dropout: float = 0.1
    tie_embeddings: bool = True

    SIZES: ClassVar[dict] = {
        "debug": {"n_layer": 2, "hidden": 32},
        "small": {"n_layer": 2, "hidden": 256},
        "medium": {"n_layer": 3, "hidden": 512},  # performance_rnn's size
    }

    BOUNDS: ClassVar[dict] = {"vocab_size": (0, 1 << 20), "n_layer": (1, 256), "hidden": (1, 1 << 16),
                              "n_embd": (0, 1 << 16), "dropout": (0, 1)}

    def parameters(self) -> int:
        """The number of parameters of the model, without building it (equal to `num_params()`)."""
        g, h, emb = GATES[self.cell], self.hidden, self.n_embd or self.hidden
        stack = sum(g * h * ((emb if i == 0 else h) + h + 2) for i in range(self.n_layer))
        proj = h * emb if self.tie_embeddings and emb != h else 0
        head = 0 if self.tie_embeddings else h * self.vocab_size
        return self.vocab_size * emb + stack + proj + head

    def __post_init__(self):
        if self.cell not in CELLS:
            raise ConfigError(f"unknown cell {self.cell!r}; valid: {', '.join(CELLS)}")
        check_config(self)


class RNN(SequenceModel):
    """Embedding -> dropout -> n_layer recurrent layers -> dropout -> (projection) -> output layer."""

    name = "rnn"

    def __init__(self, config: RNNConfig):
        super().__init__(config)
        c = config
        emb = c.n_embd or c.hidden
        self.embed = nn.Embedding(c.vocab_size, emb)
        self.drop = nn.Dropout(c.dropout)
        self.rnn = CELLS[c.cell](emb, c.hidden, c.n_layer, batch_first=True, dropout=c.dropout if c.n_layer > 1 else 0)
        # a tied output layer must have the embedding's width: project down when the widths differ
        self.proj = nn.Linear(c.hidden, emb, bias=False) if c.tie_embeddings and emb != c.hidden else nn.Identity()
        self.head = nn.Linear(emb if c.tie_embeddings else c.hidden, c.vocab_size, bias=False)
        if c.tie_embeddings:
            self.head.weight = self.embed.weight
        nn.init.normal_(self.embed.weight, std=0.02 if c.tie_embeddings else 1.0)
        if c.cell == "lstm":  # forget-gate bias 1: remember by default early in training (Jozefowicz 2015)
            for name, p in self.rnn.named_parameters():
                if name.startswith("bias_ih"):
                    with torch.no_grad():
                        p[c.hidden:2 * c.hidden].fill_(1.0)

    def _run(self, ids, hx):
        x = self.drop(self.embed(ids))  # (B, T, E)
        y, hx = self.rnn(x, hx)  # (B, T, H)
        return self.head(self.proj(self.drop(y))), hx

    def logits(self, ids):
        return self._run(ids, None)[0]

    def init_state(self, batch_size: int, device=None) -> State:
        c = self.config
        z = torch.zeros(batch_size, c.n_layer, c.hidden, device=device)
        return {"h": z, "c": z.clone()} if c.cell == "lstm" else {"h": z}

    def forward_incremental(self, ids, state: State):
        # nn.RNN wants (layers, B, H); the contract keeps the batch first
        h = state["h"].transpose(0, 1).contiguous()
        hx = (h, state["c"].transpose(0, 1).contiguous()) if self.config.cell == "lstm" else h
        logits, hx = self._run(ids, hx)
        if self.config.cell == "lstm":
            return logits, {"h": hx[0].transpose(0, 1), "c": hx[1].transpose(0, 1)}
        return logits, {"h": hx.transpose(0, 1)}
