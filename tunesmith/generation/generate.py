"""One `generate()` for every model of the registry: sampling (temperature, top-k, top-p), constraint masks,
length-normalized beam search, and a streaming iterator.

Every model follows the contract of tunesmith.models.base: `init_state(B)` and
`forward_incremental(ids, state) -> (logits, state)`, a state being a dict of batch-first tensors.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from threadpoolctl import ThreadpoolController

from tunesmith.generation.fused import FusedDecoder
from tunesmith.generation.sampling import sample
from tunesmith.models.base import select_state


@functools.cache
def _thread_pools() -> ThreadpoolController:
    return ThreadpoolController()  # finds the BLAS libraries loaded (numpy's OpenBLAS): once, ~3 ms


@contextmanager
def one_thread():
    """Run torch and BLAS on one thread while generating, then restore the counts. A step is a few hundred
    operations on a handful of vectors, too small to split; and one that does wake a second thread waits for
    it, which on a busy 2-core machine takes milliseconds: with another process on the other core, a token
    took 2.6 ms with torch's two threads against 1.3 ms with one, and a batch of 2 ran at 18 tokens/s with
    OpenBLAS's two threads against 580 with one. Process-wide while it lasts, like any thread count."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with _thread_pools().limit(limits=1, user_api="blas"):
            yield
    finally:
        torch.set_num_threads(n)


def stream_tokens(model, prompt: list[int], max_new_tokens: int, eos_id: int, rules=None, temp: float = 1.0,
                  k: int = 0, p: float = 1.0, seed: int | None = None, batch: int = 1) -> Iterator[np.ndarray]:
    """Yield the next token of each of `batch` sequences (B,) int64 as soon as it is sampled; stops when every
    sequence has written EOS (a finished row keeps writing EOS) or after `max_new_tokens`. Torch and BLAS run
    on one thread until the stream ends (`one_thread`)."""
    model.eval()
    rng = np.random.default_rng(seed)
    with one_thread():
        # inference mode around each torch call, not around the generator: the caller's code between tokens
        # runs in its own mode, and the fused path needs no torch at all
        with torch.inference_mode():
            ids = torch.tensor([prompt] * batch, dtype=torch.long)
            state = model.init_state(batch)
            logits, state = model.forward_incremental(ids, state)
        logits = logits[:, -1].float().numpy()
        fused = FusedDecoder.of(model, state)  # the Transformer on CPU: step and draw in one compiled call
        done, any_done, all_done = np.zeros(batch, np.bool_), False, False
        allowed = bias = nxt = None
        for _ in range(max_new_tokens):
            if rules is not None:
                allowed, bias = rules.allowed(), rules.bias
            if nxt is not None and fused is not None:
                nxt = fused.step_and_sample(nxt, rng, allowed, temp, k, p, bias)
            else:
                if nxt is not None:
                    with torch.inference_mode():
                        logits, state = model.step(torch.from_numpy(nxt), state)
                    logits = logits.float().numpy()
                nxt = sample(logits, rng, allowed, temp, k, p, bias)
            if any_done or eos_id in nxt.tolist():  # the bookkeeping of finished rows, once one has ended
                nxt[done] = eos_id
                done |= nxt == eos_id
                any_done, all_done = True, bool(done.all())
            if rules is not None:
                rules.advance(nxt)
            yield nxt
            if all_done:
                return


def generate(model, prompt: list[int], max_new_tokens: int, eos_id: int, rules=None, temp: float = 1.0,
             k: int = 0, p: float = 1.0, seed: int | None = None, batch: int = 1) -> list[list[int]]:
    """Sample `batch` continuations of `prompt`; each returned list is prompt + new tokens up to EOS."""
    out = [list(prompt) for _ in range(batch)]
    finished = [False] * batch
    for tokens in stream_tokens(model, prompt, max_new_tokens, eos_id, rules, temp, k, p, seed, batch):
        for b, t in enumerate(tokens.tolist()):
            if not finished[b]:
                out[b].append(t)
                finished[b] = t == eos_id
    return out


@torch.inference_mode()
@one_thread()
def beam_search(model, prompt: list[int], max_new_tokens: int, eos_id: int, beams: int = 4, rules=None,
                length_penalty: float = 1.0) -> list[int]:
    """The most likely continuation under the constraints by beam search, scored by
    sum(log p) / length**length_penalty (length normalization, Wu et al. 2016 without the +5 offset). Torch
    and BLAS run on one thread meanwhile (`one_thread`)."""
    model.eval()
    ids = torch.tensor([prompt], dtype=torch.long)
    state = model.init_state(1)
    logits, state = model.forward_incremental(ids, state)
    logits = logits[:, -1].float()
    seqs = [[]]
    scores = torch.zeros(1)
    finished: list[tuple[float, list[int]]] = []
    for _ in range(max_new_tokens):
        x = logits.numpy() if rules is None else rules.constrain(logits.numpy())
        logp = torch.from_numpy(x).log_softmax(-1) + scores[:, None]  # (beams, V)
        flat = logp.flatten()
        top = torch.topk(flat, min(2 * beams, int(torch.isfinite(flat).sum())))
        rows, toks, keep = [], [], []
        for s, i in zip(top.values.tolist(), top.indices.tolist()):
            r, t = divmod(i, logp.shape[1])
            if t == eos_id:
                finished.append((s / (len(seqs[r]) + 1) ** length_penalty, seqs[r] + [t]))
            elif len(rows) < beams:
                rows.append(r)
                toks.append(t)
                keep.append(s)
        best_done = max((f[0] for f in finished), default=float("-inf"))
        if not rows or (len(finished) >= beams and best_done >= max(keep) / (len(seqs[0]) + 1) ** length_penalty):
            break
        index = torch.tensor(rows)
        tokens = torch.tensor(toks)
        seqs = [seqs[r] + [t] for r, t in zip(rows, toks)]
        scores = torch.tensor(keep)
        state = select_state(state, index)  # new tensors: beams from one parent then continue apart
        if rules is not None:
            rules.reorder(index)
            rules.advance(tokens)
        logits, state = model.step(tokens, state)
        logits = logits.float()
    if not finished:
        finished = [(float(s) / max(len(q), 1) ** length_penalty, q) for s, q in zip(scores.tolist(), seqs)]
    return list(prompt) + max(finished, key=lambda f: f[0])[1]


def warm_up() -> None:
    """Compile (or load from numba's on-disk cache) the decoding step and the sampler by composing one bar
    with a tiny untrained Transformer: once per installation (scripts/setup.sh runs it; 14 s on the 2-core
    machine we bench on), so that the first composition does not pay for it."""
    from tunesmith.generation.compose import Request, compose
    from tunesmith.models import build_model
    from tunesmith.representation import get_tokenizer

    tokenizer = get_tokenizer("voicegrid", voices=4)
    with torch.random.fork_rng(devices=[]):  # the model's random init leaves the caller's RNG as it was
        model = build_model("transformer", size="debug", vocab_size=len(tokenizer.vocab))
    compose(model, tokenizer, Request(key="C major", meter="4/4", bars=1))
