"""Attention made visible: which earlier notes and bars a voice-grid model attends to as it chooses each note.

A model with attention offers its weights through its contract (`model.attention(ids) -> (B, L, H, T, T)`,
see tunesmith.models.base), as it attends when it generates. A voice-grid token is one voice at one grid step
(`Pitch_p` begins a note, `Hold` continues it, `Rest`), and the output at position t predicts token t + 1: so
the attention with which token i was *chosen* is row i - 1. Here those rows are summed to music:

    notes   row of the token that begins a note (its Pitch) over the tokens of each earlier note: (L, H, N, N)
    bars    rows of every token chosen in a bar, averaged, over the tokens of each bar: (L, H, bars, bars)
    beats   the same mass by distance in beats and in bars, and on the conditioning (style, key, meter, tempo)

Everything is computed from grid steps by reshaping (a step is `voices` consecutive tokens), so a chorale of
a thousand tokens aggregates in milliseconds once the model has run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tunesmith.errors import ConfigError, ScoreError
from tunesmith.representation.base import CONDITIONING_FAMILIES
from tunesmith.score.model import TPQ, Score

# (L, H, T, T) float32 weights of a 4-layer, 4-head model take 16 * T^2 * 4 bytes: 150 MB at 1536 tokens
# (24 bars of a four-voice chorale in 4/4, 128 bars of a tune in 6/8)
MAX_TOKENS = 1536


@dataclass(frozen=True)
class GridNote:
    """A note as the model reads it: voice, pitch, onset step, length in steps, and its onset token's index."""

    voice: int
    pitch: int
    step: int
    steps: int
    token: int


@dataclass
class AttentionMap:
    """What one model attends to over one piece; arrays per layer and head, `mean_*` averaged over both."""

    ids: list[int]
    score: Score  # the piece as the model reads it (quantized, one voice per track)
    notes: list[GridNote]
    note_weights: np.ndarray  # (L, H, N, N) attention of the choice of note q on the tokens of note k
    bar_starts: np.ndarray  # (bars,) grid steps
    bar_labels: list[str]  # bar numbers as the score prints them
    bar_weights: np.ndarray  # (L, H, bars, bars) mean attention of a bar's tokens on each bar's tokens
    bar_conditioning: np.ndarray  # (L, H, bars) mean attention of a bar's tokens on the conditioning
    by_beats: np.ndarray  # (L, H, D) mean share of a token's attention at a distance of d beats (d = 0, 1, ...)
    by_bars: np.ndarray  # (L, H, D') the same by distance in bars (bar numbers apart)
    conditioning: np.ndarray  # (L, H) mean share on BOS and the conditioning tokens
    same_voice: np.ndarray  # (L, H) mean share on tokens of the voice being written
    to_voice: np.ndarray  # (L, H, voices) mean share on each voice's tokens
    ticks_per_step: int
    steps_per_beat: int
    steps_per_bar: int
    window_steps: int | None  # how far back the model can see, in grid steps (None: no limit)
    truncated: bool = False  # only the first MAX_TOKENS tokens were scored
    readings: list = field(default_factory=list)  # tunesmith.assistant.reading.Reading

    @property
    def layers(self) -> int:
        return self.note_weights.shape[0]

    @property
    def heads(self) -> int:
        return self.note_weights.shape[1]

    def mean(self, name: str) -> np.ndarray:
        """An array averaged over layers and heads, e.g. `mean("bar_weights")` (bars, bars)."""
        return getattr(self, name).mean(axis=(0, 1))


def body_start(tokenizer, ids) -> int:
    """Index of the first body token: after BOS and the conditioning tokens."""
    i = 1
    while i < len(ids) and tokenizer.vocab.name(int(ids[i])).split("_")[0] in CONDITIONING_FAMILIES:
        i += 1
    return i


def grid_notes(tokenizer, ids, start: int) -> list[GridNote]:
    """The notes of a voice-grid sequence whose body begins at `start`, in order of their onset token."""
    voices, first, hold = tokenizer.config["voices"], tokenizer.first_pitch_id, tokenizer.hold_id
    low = tokenizer.pitch_range[0]
    eos = tokenizer.vocab["EOS"]
    body = [int(t) for t in ids[start:]]
    body = body[: body.index(eos)] if eos in body else body
    steps = len(body) // voices
    notes, sounding = [], [None] * voices  # per voice: [pitch, step, steps, token]
    for i in range(steps * voices):
        (s, v), t = divmod(i, voices), body[i]
        if t == hold and sounding[v] is not None:
            sounding[v][2] += 1
            continue
        if sounding[v] is not None:
            notes.append(GridNote(v, *sounding[v]))
            sounding[v] = None
        if t >= first:
            sounding[v] = [t - first + low, s, 1, start + i]
    notes += [GridNote(v, *n) for v, n in enumerate(sounding) if n is not None]
    return sorted(notes, key=lambda n: n.token)


def _per_note(onset_rows: np.ndarray, notes: list[GridNote], start: int, steps: int, voices: int) -> np.ndarray:
    """(L, H, N, T) rows -> (L, H, N, N): the mass on each note's tokens, by cumulative sums along each voice
    (a note's tokens are one voice over consecutive steps)."""
    L, H, N, _ = onset_rows.shape
    body = onset_rows[..., start:start + steps * voices].reshape(L, H, N, steps, voices)
    cum = np.concatenate([np.zeros((L, H, N, 1, voices), np.float32), body.cumsum(axis=3)], axis=3)
    out = np.zeros((L, H, N, N), np.float32)
    for k, n in enumerate(notes):
        out[..., k] = cum[..., n.step + n.steps, n.voice] - cum[..., n.step, n.voice]
    return out


def aggregate(weights: np.ndarray, ids, tokenizer, bar_starts: np.ndarray, steps_per_beat: int) -> dict:
    """The sums of the module doc from weights (L, H, T, T) of `ids`; `bar_starts` in grid steps."""
    voices = tokenizer.config["voices"]
    start = body_start(tokenizer, ids)
    notes = grid_notes(tokenizer, ids, start)
    steps = (len(ids) - start - 1) // voices  # without EOS
    if steps <= 0 or not notes:
        raise ScoreError("the piece holds no notes the model can read")
    L, H = weights.shape[:2]
    end = start + steps * voices
    rows = weights[:, :, start - 1:end - 1, :]  # (L, H, Tb, T): with what each body token was chosen (a view)
    keys = rows[..., start:end].reshape(L, H, steps, voices, steps, voices)  # (query step, voice, key step, voice)
    step_step = keys.sum(axis=(3, 5))  # (L, H, steps, steps)
    chosen = steps * voices
    onsets = np.array([n.token for n in notes])
    note_weights = _per_note(weights[:, :, onsets - 1, :], notes, start, steps, voices)

    bar_starts = bar_starts[bar_starts < steps]
    bar_of = np.searchsorted(bar_starts, np.arange(steps), side="right") - 1  # (steps,)
    summed = np.add.reduceat(np.add.reduceat(step_step, bar_starts, axis=2), bar_starts, axis=3)
    tokens_in_bar = np.diff(np.append(bar_starts, steps)) * voices
    bar_weights = summed / tokens_in_bar[None, None, :, None]

    cond = rows[..., :start].sum(-1).reshape(L, H, steps, voices).sum(-1)  # (L, H, steps)
    bar_conditioning = np.add.reduceat(cond, bar_starts, axis=2) / tokens_in_bar

    q, k = np.tril_indices(steps)
    flat = step_step[:, :, q, k]  # (L, H, pairs)
    by_beats = _binned(flat, (q - k) // steps_per_beat) / chosen
    by_bars = _binned(flat, bar_of[q] - bar_of[k]) / chosen
    return {
        "notes": notes, "note_weights": note_weights, "bar_starts": bar_starts, "bar_weights": bar_weights,
        "bar_conditioning": bar_conditioning,
        "by_beats": by_beats, "by_bars": by_bars,
        "conditioning": rows[..., :start].sum(-1).mean(-1),
        "same_voice": np.einsum("lhavbv->lh", keys) / chosen,
        "to_voice": np.einsum("lhavbw->lhw", keys) / chosen,
    }


def _binned(flat: np.ndarray, bins: np.ndarray) -> np.ndarray:
    L, H, _ = flat.shape
    size = int(bins.max()) + 1 if len(bins) else 1
    return np.stack([np.bincount(bins, weights=flat[l, h], minlength=size)
                     for l in range(L) for h in range(H)]).reshape(L, H, size).astype(np.float32)


def meter_of(score: Score, steps_per_quarter: int) -> tuple[int, int]:
    """(steps per beat, steps per bar) of the first time signature: compound meters beat in dotted quarters."""
    from tunesmith.theory.meter import beat_ticks

    ts = score.time_signatures[0]
    grid = TPQ // steps_per_quarter
    return max(beat_ticks(ts) // grid, 1), max(ts.bar_ticks // grid, 1)


def attention_map(model, tokenizer, score: Score, labels=None) -> AttentionMap:
    """Run `model` over `score` as `tokenizer` encodes it (a key estimated if the score has none) and sum its
    attention to notes and bars (see the module doc). `labels(tick) -> str` names bars (default: from 1).
    The readings are added by `tunesmith.assistant.reading.read_map`."""
    from tunesmith.data.tokenize import with_key

    check_model(model, tokenizer)
    if not len(score.all_notes()):
        raise ScoreError("the score holds no notes; there is nothing to attend to")
    return ids_map(model, tokenizer, tokenizer.encode(with_key(score)), score.fermatas, labels)


def check_model(model, tokenizer) -> None:
    """A ConfigError unless `model` offers its attention and `tokenizer` is a voice grid."""
    name = getattr(model, "name", "") or type(model).__name__
    if hasattr(model, "source_attention"):  # a conditional model (models.conditional): it attends to its source
        raise ConfigError(f"the {name} model attends to a source, not to the piece's own past, and that map is not "
                          "drawn yet; use a Transformer or an attention RNN")
    if not getattr(model, "attends", False):
        raise ConfigError(f"the {name} model has no attention to show; use a Transformer or an attention RNN")
    if tokenizer.name != "voicegrid":
        raise ConfigError(f"attention is summed to notes over a voice grid, not {tokenizer.name}")


def ids_map(model, tokenizer, ids, fermatas=(), labels=None) -> AttentionMap:
    """`attention_map` of a token sequence (BOS, conditioning, body, EOS), e.g. one just composed: by
    causality its weights are those the model attended with while it wrote each token."""
    import torch

    check_model(model, tokenizer)
    ids = [int(i) for i in ids]
    if ids[-1] != tokenizer.vocab["EOS"]:
        ids.append(tokenizer.vocab["EOS"])
    truncated = len(ids) > MAX_TOKENS
    if truncated:  # whole steps, then an EOS
        voices, start = tokenizer.config["voices"], body_start(tokenizer, ids)
        ids = ids[: start + (MAX_TOKENS - start - 1) // voices * voices] + [tokenizer.vocab["EOS"]]
    from tunesmith.generation.generate import one_thread

    model.eval()
    # one thread, as when composing: on a busy 2-core machine a chorale took 1.5 s on torch's two threads, 0.38 s
    # on one
    with one_thread(), torch.inference_mode():
        weights = model.attention(torch.tensor([ids]))[0].float().numpy()  # (L, H, T, T)
    read = tokenizer.decode(ids).replace(fermatas=tuple(fermatas))  # fermatas are no tokens: kept for readings
    spq = tokenizer.config["steps_per_quarter"]
    beat, bar = meter_of(read, spq)
    grid = TPQ // spq
    starts = np.unique(read.bar_starts(max(read.end, 1)) // grid)
    parts = aggregate(weights, ids, tokenizer, starts, beat)
    names = [labels(int(s) * grid) if labels else str(i + 1) for i, s in enumerate(parts["bar_starts"])]
    block = getattr(model.config, "block_size", None) or getattr(model.config, "attn_length", None)
    window = None if block is None else block // tokenizer.config["voices"]
    return AttentionMap(ids=ids, score=read, bar_labels=names, ticks_per_step=grid, steps_per_beat=beat,
                        steps_per_bar=bar, window_steps=window, truncated=truncated, **parts)


def bar_looks(amap: AttentionMap) -> list[dict]:
    """For each bar, the share of its attention on each earlier bar and on the conditioning (averaged over
    layers and heads): what the model looked at while it wrote that bar, as the live view shows it."""
    bars, cond = amap.mean("bar_weights"), amap.mean("bar_conditioning")
    out = []
    for i, label in enumerate(amap.bar_labels):
        earlier = {amap.bar_labels[j]: round(float(bars[i, j]), 4) for j in range(i)}
        top = sorted(earlier, key=earlier.get, reverse=True)[:3]
        out.append({"bar": label, "itself": round(float(bars[i, i]), 4), "earlier": earlier, "most": top,
                    "conditioning": round(float(cond[i]), 4)})
    return out
