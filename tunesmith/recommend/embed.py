"""Model embeddings of pieces: the mean final hidden state of a shipped Transformer over the opening of a
piece's melody (its first voice, key-conditioned as the model was trained), L2-normalized.

The model contract (tunesmith.models.base) returns logits, not hidden states; the input of the output
projection `head` is the final hidden state (after the last layer norm), so a forward hook reads it there
without touching the model. The folk model (one voice) embeds every piece's melody, chorales included, so
that all pieces share one space. The opening suffices for taste (style, mode, metre and rhythm show in four
bars) and keeps the cost down: ~19 ms a piece on two busy cores.
"""

from __future__ import annotations

import numpy as np

MODEL = "folk"
TOKENS = 64  # after the conditioning prefix: four bars of 4/4 at four steps per quarter
BATCH = 64


def token_ids(tokenizer, score) -> list[int]:
    """The piece's key-conditioned voice-grid tokens (prefix + the first TOKENS steps); [] if it has none."""
    from tunesmith.data.tokenize import with_key
    from tunesmith.errors import TunesmithError

    try:
        ids = tokenizer.encode(with_key(score))
    except (TunesmithError, ValueError, KeyError):
        return []
    prefix = 5  # BOS and the four conditioning tokens
    return ids[: prefix + TOKENS]


def embeddings(scores, model: str = MODEL) -> np.ndarray:
    """(N, n_embd) float32: one unit-length row per score (zeros for a score with no notes to encode)."""
    import torch

    from tunesmith.generation.load import load

    loaded = load(model)
    net = loaded.model.eval()
    seqs = [token_ids(loaded.tokenizer, s) for s in scores]
    out = np.zeros((len(seqs), net.config.n_embd), np.float32)
    captured = []
    hook = net.head.register_forward_hook(lambda module, args, result: captured.append(args[0]))
    try:
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))  # similar lengths share a batch
        with torch.inference_mode():
            for b in range(0, len(order), BATCH):
                rows = [i for i in order[b:b + BATCH] if seqs[i]]
                if not rows:
                    continue
                width = max(len(seqs[i]) for i in rows)
                ids = torch.zeros(len(rows), width, dtype=torch.long)  # padding after: causal, never attended
                mask = torch.zeros(len(rows), width)
                for r, i in enumerate(rows):
                    ids[r, : len(seqs[i])] = torch.tensor(seqs[i])
                    mask[r, : len(seqs[i])] = 1
                captured.clear()
                net.logits(ids)
                h = captured[0]  # (B, T, C)
                mean = (h * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
                out[rows] = torch.nn.functional.normalize(mean, dim=-1).numpy()
    finally:
        hook.remove()
    return out
