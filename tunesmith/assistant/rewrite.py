"""Rewriting one bar of a piece with a voice-grid model: the engine under `tunesmith suggest`.

The piece is encoded as the model reads it (a grid of steps x voices). The bar's tokens of the voices being
rewritten are drawn from the model under the composer's rules (`generation.compose.rules_for`, plus any extra
constraint such as a cadence); every other token is the piece's own, forced: a voice grid writes the soprano
first at each step, so a given melody conditions the voices below it. The same pass scores each draft: the
model's log-likelihood of the rewritten bar and of the bar after it as written (how well the music goes on
from the new bar), in nats, under the model's own distribution (no temperature, no rules).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.score.model import TPQ, Score, Track, sort_notes


@dataclass
class Grid:
    """A piece as a voice-grid model reads it."""

    prefix: list[int]  # BOS and the conditioning tokens
    tokens: np.ndarray  # (steps, voices) body tokens
    ticks: int  # ticks per grid step

    @property
    def steps(self) -> int:
        return len(self.tokens)

    def ids(self, tokens: np.ndarray | None = None, eos: int | None = None) -> list[int]:
        body = (self.tokens if tokens is None else tokens).ravel().tolist()
        return self.prefix + body + ([eos] if eos is not None else [])


def grid_of(tokenizer, score: Score, pad_to: int = 0) -> Grid:
    """The piece encoded (a key estimated if it has none), padded with rests to `pad_to` steps."""
    from tunesmith.assistant.attention import body_start
    from tunesmith.data.tokenize import with_key

    ids = tokenizer.encode(with_key(score))
    start, voices = body_start(tokenizer, ids), tokenizer.config["voices"]
    body = np.array(ids[start:-1], np.int64)
    tokens = body[: len(body) // voices * voices].reshape(-1, voices)
    if pad_to > len(tokens):
        tokens = np.concatenate([tokens, np.full((pad_to - len(tokens), voices), tokenizer.rest_id)])
    return Grid(ids[:start], tokens, TPQ // tokenizer.config["steps_per_quarter"])


@dataclass
class Draft:
    tokens: np.ndarray  # (hi - lo, voices): the bar as drawn
    log_likelihood: float  # nats, the bar and the next one (as written)


def drafts(model, tokenizer, grid: Grid, lo: int, hi: int, free, rules, count: int, seed: int = 0,
           top_p: float = 1.0, score_to: int | None = None) -> list[Draft]:
    """`count` drafts of steps [lo, hi), the voices in `free` drawn under `rules` (a `Rules` of batch `count`
    that has seen nothing yet), the others forced; scored over [lo, score_to) (default: one bar more)."""
    import torch

    from tunesmith.generation.generate import one_thread
    from tunesmith.generation.sampling import sample

    voices = tokenizer.config["voices"]
    if hi > grid.steps:
        raise ConfigError(f"steps {lo}..{hi} run past the piece's {grid.steps}: pad the grid first")
    end = max(hi, min(score_to if score_to is not None else 2 * hi - lo, grid.steps))
    primer = grid.ids(grid.tokens[:lo])
    rng = np.random.default_rng(seed)
    free = set(free)
    out = np.repeat(grid.tokens[None, :end], count, axis=0)
    ll = np.zeros(count)
    model.eval()
    with one_thread(), torch.inference_mode():
        state = model.init_state(count)
        logits, state = model.forward_incremental(torch.tensor([primer] * count), state)
        for t in grid.tokens[:lo].ravel().tolist():
            rules.advance(np.full(count, t))
        logits = logits[:, -1].float().numpy()
        for pos in range(lo * voices, end * voices):
            step, v = divmod(pos, voices)
            if lo <= step < hi and v in free:
                tok = sample(logits, rng, rules.allowed(), 1.0, 0, top_p, rules.bias)
            else:
                tok = np.full(count, grid.tokens[step, v], np.int64)
            logp = logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)
            ll += logp[np.arange(count), tok]
            out[:, step, v] = tok
            rules.advance(tok)
            if pos + 1 < end * voices:
                logits, state = model.step(torch.from_numpy(tok), state)
                logits = logits.float().numpy()
    return [Draft(out[b, lo:hi].copy(), float(ll[b])) for b in range(count)]


def distinct(found: list[Draft]) -> list[Draft]:
    """The drafts without repeats (the first of each), in order."""
    seen, out = set(), []
    for d in found:
        key = d.tokens.tobytes()
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def splice(original: Score, parts, lo: int, hi: int) -> Score:
    """`original` with the notes of some tracks in ticks [lo, hi) replaced: `parts` is [(track index, notes as
    the model wrote that voice over the whole piece)]. A note sounding into the bar from before is cut at `lo`
    (or held on, if the model held it), one sounding on past `hi` keeps its remainder; a track index past the
    last adds a track (a voice the piece lacks)."""
    tracks = list(original.tracks)
    program = tracks[0].program if tracks else 0
    for t, new in parts:
        if t >= len(tracks):
            inside = new[(new["start"] >= lo) & (new["start"] < hi)].copy()
            inside["duration"] = np.minimum(inside["start"] + inside["duration"], hi) - inside["start"]
            tracks.append(Track(inside, program=program))
            continue
        old = tracks[t].notes
        velocity = int(np.median(old["velocity"])) if len(old) else 80
        end = old["start"] + old["duration"]
        before = old[old["start"] < lo].copy()
        held = new[(new["start"] < lo) & (new["start"] + new["duration"] > lo)]  # the model held it on
        cut = lo if not len(held) else min(int(held["start"][0] + held["duration"][0]), hi)
        before["duration"] = np.minimum(before["start"] + before["duration"], cut) - before["start"]
        inside = new[(new["start"] >= lo) & (new["start"] < hi)].copy()
        inside["duration"] = np.minimum(inside["start"] + inside["duration"], hi) - inside["start"]
        inside["velocity"] = velocity
        rest = old[(end > hi) & (old["start"] < hi)].copy()  # what sounded on past the bar
        rest["duration"] = rest["start"] + rest["duration"] - hi
        rest["start"] = hi
        after = old[old["start"] >= hi]
        notes = np.concatenate([before[before["duration"] > 0], inside, rest, after])
        tracks[t] = tracks[t].replace(notes=sort_notes(notes))
    return original.replace(tracks=tuple(tracks))


def bar_steps(measures, index: int, grid: Grid, bar: int) -> tuple[int, int]:
    """Grid steps [lo, hi) of measure `index` of a measure map (index == len: a new bar after the end)."""
    starts = [int(s) for s in measures.starts]
    if index >= len(starts):
        lo = -(-max(grid.steps * grid.ticks, starts[-1] if starts else 0) // (bar * grid.ticks)) * bar
        return lo, lo + bar
    lo = starts[index] // grid.ticks
    hi = starts[index + 1] // grid.ticks if index + 1 < len(starts) else max(grid.steps, lo + 1)
    if hi <= lo:
        raise ConfigError(f"bar {measures.numbers[index]} holds no grid step")
    return lo, hi
