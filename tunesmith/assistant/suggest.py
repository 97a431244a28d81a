"""The job behind `tunesmith suggest FILE --bar N [--voice NAME] [-n 3]`: alternatives for one place of a piece.

Four kinds, each drawn from the model that fits the piece (`assistant.rewrite`) under the composer's rules:
    continuation      the bar written afresh from what comes before (after the last bar: a new bar)
    reharmonization   the melody kept, the other voices of the bar rewritten
    cadence           the bar ending a phrase on V7 -> I (or on V: a half cadence), as the composer's cadences do
    fix               for each voice-leading fault `tunesmith check` finds in the bar, the faulty voice rewritten
With `--voice` only that voice is rewritten. Drafts are ranked by the model's log-likelihood of the bar and of
the bar after it, less FAULT_NATS for each voice-leading fault in the bars around (the rules of `check`); each
suggestion comes with a one-line reason and, with an output folder, its audio and notation: the bar with the
bars either side, as WAV, MusicXML and SVG.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from tunesmith.errors import ConfigError, ScoreError
from tunesmith.score.model import KeySignature, Score

KINDS = ("continuation", "reharmonization", "cadence", "fix")
FORMATS = ("wav", "musicxml", "svg")
DRAFTS = 3  # drafts drawn per suggestion asked for: duplicates go, the best `n` stay
FAULT_NATS = 4.0  # a voice-leading fault costs as much as a note about e^4 = 55 times less likely
MAX_SUGGESTIONS = 10
VOICE_NAMES = {4: ("soprano", "alto", "tenor", "bass"), 1: ("melody",)}


@dataclass
class Suggestion:
    kind: str
    rank: int  # within its kind, from 1
    reason: str
    log_likelihood: float  # nats: the bar and the next one (as written)
    gain: float  # nats over the bar as written, same window
    faults: int  # voice-leading faults in the bar and the bars either side
    notes: dict[str, str]  # each rewritten voice's notes in the bar
    files: dict[str, str] = field(default_factory=dict)
    score: Score | None = field(default=None, repr=False)  # the whole piece with the suggestion in place


@dataclass
class Suggestions:
    path: str
    bar: str
    voice: str | None
    model: str
    items: list[Suggestion]
    skipped: dict[str, str]  # kind -> why it has nothing to offer here
    original: dict  # the bar as written: log_likelihood, faults, files
    timings_s: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = asdict(self)
        for item in out["items"]:
            item.pop("score", None)
        return out


@dataclass
class _Place:
    """Everything a kind needs about the place: the piece, the model, the grid, the bar's steps, the rules."""

    score: Score
    loaded: object
    grid: object
    lo: int
    hi: int
    bar: int  # steps
    beat: int
    key: KeySignature
    constraints: list
    tracks: list[int]  # score track of each model voice
    index: int  # of the bar in the measure map
    label: str
    rules: tuple  # the check's rule names for the faults counted
    top_p: float  # the model's tuned nucleus
    last: bool  # the bar is the piece's last


def suggest(path, bar, voice=None, n: int = 3, model="default", kinds=KINDS, out=None, formats=FORMATS,
            seed: int = 0) -> Suggestions:
    """Up to `n` suggestions of each kind in `kinds` for bar `bar` (as the score numbers it; one after the last
    bar asks for a new bar) of the piece at `path`, rewriting `voice` only if given; with `out`, each one's
    audio and notation. `model`: a shipped name, a checkpoint folder, a Loaded, or "default" (the shipped model
    that fits the piece). Bad input raises a TunesmithError with a one-line message."""
    from tunesmith.assistant.suggest_kinds import KIND_FUNCTIONS, draw
    from tunesmith.io import read
    from tunesmith.io.measures import read_measures
    from tunesmith.render import check_formats

    t0 = time.perf_counter()
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SUGGESTIONS:
        raise ConfigError(f"the number of suggestions must be in 1..{MAX_SUGGESTIONS}, got {n!r}")
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ConfigError(f"unknown kind(s) {', '.join(unknown)}; valid: {', '.join(KINDS)}")
    formats = check_formats(formats)
    score = read(path)
    if not len(score.all_notes()):
        raise ScoreError(f"{Path(path).name} holds no notes; there is nothing to suggest for")
    measures = read_measures(path, score)
    index, label = locate_bar(measures, bar)
    place = _place(score, measures, index, label, model, voice)
    t1 = time.perf_counter()
    voice_index = None if voice is None else voice_of(voice, place)
    base = draw(place, set(), 1, seed)[0] if index < len(measures.starts) else None  # the bar as written
    items, skipped = [], {}
    for kind in kinds:
        found, why = KIND_FUNCTIONS[kind](place, voice_index, n, seed, base)
        if why:
            skipped[kind] = why
        items += found
    t2 = time.perf_counter()
    original = {"log_likelihood": round(base.log_likelihood, 2) if base else None,
                "faults": len(base.faults) if base else None, "parts": bool(base and base.analysis), "files": {}}
    if out is not None:
        stem = f"{Path(path).stem}-bar{label}"
        if base is not None:
            original["files"] = write_snippet(score, place, Path(out), f"{stem}-original", formats)
        for s in items:
            s.files = write_snippet(s.score, place, Path(out), f"{stem}-{s.kind}-{s.rank}", formats)
    return Suggestions(str(path), label, None if voice is None else str(voice), place.loaded.name, items,
                       skipped, original, {"load": round(t1 - t0, 3), "suggest": round(t2 - t1, 3),
                                           "render": round(time.perf_counter() - t2, 3)})


def locate_bar(measures, bar) -> tuple[int, str]:
    """(index in the measure map, number as printed) of bar `bar`; one past the last bar is a new bar."""
    label = str(bar).strip()
    if label in measures.numbers:
        return measures.numbers.index(label), label
    numbers = [int(x) for x in measures.numbers if x.lstrip("-").isdigit()]
    if numbers and label.isdigit() and int(label) == numbers[-1] + 1:
        return len(measures.numbers), label
    first, last = measures.numbers[0], measures.numbers[-1]
    after = f"; {numbers[-1] + 1} asks for a new bar after the end" if numbers else ""
    raise ConfigError(f"bar {label} is outside the piece: it has bars {first}..{last}{after}")


def _place(score: Score, measures, index: int, label: str, model, voice) -> _Place:
    from tunesmith.assistant.attention_job import _loaded
    from tunesmith.assistant.check import RULE_SETS
    from tunesmith.assistant.rewrite import bar_steps, grid_of
    from tunesmith.generation.compose import rules_for
    from tunesmith.generation.request import Request
    from tunesmith.representation.base import Conditioning
    from tunesmith.theory.keys import estimate_key
    from tunesmith.theory.meter import beat_ticks
    from tunesmith.theory.pitch import PITCH_CLASS_NAMES

    loaded = _loaded(model, score)
    tok = loaded.tokenizer
    grid = grid_of(tok, score)
    ts = score.time_signatures[0]
    bar, beat = max(ts.bar_ticks // grid.ticks, 1), max(beat_ticks(ts) // grid.ticks, 1)
    lo, hi = bar_steps(measures, index, grid, bar)
    if hi > grid.steps:
        grid = grid_of(tok, score, pad_to=hi)
    cond = Conditioning.from_tokens([tok.vocab.name(i) for i in grid.prefix])
    key = score.key_signatures[0] if score.key_signatures and score.key_signatures[0].mode in ("major", "minor") \
        else estimate_key(score) or KeySignature(0, 0, "major")
    cond = Conditioning(cond.style, f"{PITCH_CLASS_NAMES[key.tonic % 12]}_{key.mode}", f"{ts.numerator}/"
                        f"{ts.denominator}", cond.tempo)
    bars = -(-grid.steps // bar)
    # the composer's rules for the piece as it stands: no planned phrases (the piece has its own), no repeats of
    # a tune's form, the tonic at the end
    request = loaded.request(Request(key=cond.key, bars=min(bars, 512), phrases=False)).resolved()
    rules = rules_for(tok, cond, request, grid.steps)
    constraints = rules.hard + rules.soft + rules.volatile + rules.biased
    pitched = [i for i, t in enumerate(score.tracks) if not t.is_drum]
    voices = tok.config["voices"]
    tracks = [pitched[v] if v < len(pitched) else len(score.tracks) + v - len(pitched) for v in range(voices)]
    names = RULE_SETS["chorale"][0] if len(pitched) == 4 else RULE_SETS["parallels"][0]
    return _Place(score, loaded, grid, lo, hi, bar, beat, key, constraints, tracks, index, label, names,
                  request.top_p or 1.0, hi >= grid.steps)


def voice_of(voice, place: _Place) -> int:
    """The model voice named by `voice`: soprano/alto/tenor/bass (or melody), a number from 1, or a track name."""
    count = place.loaded.tokenizer.config["voices"]
    names = VOICE_NAMES.get(count, tuple(f"voice {i + 1}" for i in range(count)))
    text = str(voice).strip().lower()
    if text in names:
        return names.index(text)
    if text.isdigit() and 1 <= int(text) <= count:
        return int(text) - 1
    for v, t in enumerate(place.tracks):
        if t < len(place.score.tracks) and place.score.tracks[t].name.lower() == text:
            return v
    raise ConfigError(f"no voice {voice!r} in this model's {count}: give {', '.join(names)} or 1..{count}")


def write_snippet(score: Score, place: _Place, out: Path, stem: str, formats) -> dict[str, str]:
    """The bar with the bars either side, as `formats` (WAV, MusicXML, SVG, ...), into `out`."""
    from tunesmith.render import render_all
    from tunesmith.score.transforms import slice_bars

    starts = score.bar_starts(max(score.end, 1))
    lo_tick = place.lo * place.grid.ticks
    i = int(np.searchsorted(starts, lo_tick, side="right")) - 1
    snippet = slice_bars(score, max(i - 1, 0), i + 2)
    snippet = snippet.replace(metadata=snippet.metadata.__class__(title=f"{stem}"))
    if not len(snippet.all_notes()):
        return {}
    return {k: str(v) for k, v in render_all(snippet, out, stem, formats, skip_missing=True).items()}


def suggestions_text(result: Suggestions) -> str:
    """The suggestions for people, best first within each kind."""
    lines = [f"{result.path}, bar {result.bar}" + (f", {result.voice}" if result.voice else "") +
             f": {len(result.items)} suggestion{'s' * (len(result.items) != 1)} from the {result.model} model"]
    if result.original["log_likelihood"] is not None:
        faults = result.original["faults"]
        lines.append(f"  as written: {result.original['log_likelihood']:.1f} nats over the bar and the next"
                     + (f", {faults} voice-leading fault{'s' * (faults != 1)} around it" if result.original["parts"]
                        else ""))
    for s in result.items:
        lines += ["", f"{s.kind} {s.rank}: {s.reason}"]
        lines += [f"  {v}: {notes}" for v, notes in s.notes.items()]
        lines += [f"  {k}: {p}" for k, p in s.files.items()]
    for kind, why in result.skipped.items():
        lines += ["", f"no {kind}: {why}"]
    return "\n".join(lines) + "\n"
