"""Generating with part of the music given: cells of a voice grid fixed in advance (the melody to harmonize,
the voices kept around an infilled span), the source a conditional model reads, and the model to generate with.

The fixed cells are written through `Fixed`, a wrapper of the compose constraints (`Rules`): at a fixed cell
only its token is allowed, whatever the constraints say (it is given, not chosen); every other cell is
constrained exactly as `compose` constrains it, and the grid the constraints follow records the given tokens
too, so that the voice-leading rules weigh every written note against the given melody.
"""

from __future__ import annotations

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.score.model import Score, Track, note_array

FREE = -1


class Fixed:
    """`rules` (tunesmith.generation.constraints.Rules) with `cells` (steps, voices) fixed: a token id, or FREE."""

    def __init__(self, rules, cells: np.ndarray):
        self.rules, self.cells = rules, np.asarray(cells, np.int64)

    def _fixed(self) -> int:
        g = self.rules.grid
        return int(self.cells[g.step, g.voice]) if g.step < len(self.cells) else FREE

    @property
    def grid(self):
        return self.rules.grid

    @property
    def bias(self):
        return self.rules.bias

    def allowed(self) -> np.ndarray:
        token = self._fixed()
        if token == FREE:
            return self.rules.allowed()
        return self.rules.grid.allow(self.rules.grid.last_pitch.shape[0], [token])

    def constrain(self, logits: np.ndarray) -> np.ndarray:
        if self._fixed() == FREE:
            return self.rules.constrain(logits)
        return np.where(self.allowed(), logits, np.float32(-np.inf))

    def advance(self, tokens) -> None:
        self.rules.advance(tokens)

    def reorder(self, index) -> None:
        self.rules.reorder(index)


def grid_cells(tokenizer, score: Score, steps: int | None = None) -> np.ndarray:
    """The cells (steps, voices) of `score` as the voice grid writes them; a shorter piece is padded with rests
    to `steps`."""
    from tunesmith.representation.base import Conditioning

    body = tokenizer.encode(score, Conditioning())[1:-1]  # no conditioning, no BOS/EOS
    voices = tokenizer.config["voices"]
    cells = np.asarray(body, np.int64).reshape(-1, voices)
    if steps is not None:
        if len(cells) > steps:
            cells = cells[:steps]
        elif len(cells) < steps:
            cells = np.vstack([cells, np.full((steps - len(cells), voices), tokenizer.rest_id, np.int64)])
    return cells


def source_ids(prefix: list[int], cells: np.ndarray, masked: np.ndarray, mask_id: int, eos: int) -> list[int]:
    """A conditional model's source: the conditioning prefix, the cells with the masked ones as `mask_id`, EOS."""
    return [*prefix, *np.where(masked, mask_id, cells).ravel().tolist(), eos]


def mask_id(loaded) -> int:
    """The id of the Mask token of a conditional model's vocabulary (its config's "vocab")."""
    vocab = loaded.config.get("vocab") or []
    if not vocab or vocab[-1] != "Mask":
        raise ConfigError(f"{loaded.path}: a conditional model's vocabulary must end with Mask")
    return len(vocab) - 1


def decoder(loaded, src: list[int]):
    """What generate() runs: a conditional model bound to `src`, or a sequence model as it is (which sees only
    what comes before each cell, the given cells included)."""
    model = loaded.model
    if getattr(model, "data_kind", "sequence") == "conditional":  # it writes every token but the source's Mask
        return model.given(src, vocab_size=mask_id(loaded))
    return model


def one_line(score: Score, track: int | None = None) -> tuple[Track, list[str]]:
    """The melody of a score as one monophonic track, and warnings: track `track` (0-based), else the highest
    (by mean pitch) of the pitched tracks; where notes sound together, the top one is kept."""
    from tunesmith.score.transforms import skyline

    pitched = [(i, t) for i, t in enumerate(score.tracks) if not t.is_drum and len(t)]
    if not pitched:
        raise ConfigError("the melody has no notes")
    warnings = []
    if track is not None:
        if not 0 <= track < len(score.tracks):
            raise ConfigError(f"--track {track + 1}: the file has {len(score.tracks)} track(s)")
        chosen = score.tracks[track]
        if chosen.is_drum or not len(chosen):
            raise ConfigError(f"track {track + 1} has no pitched notes")
    else:
        chosen = max(pitched, key=lambda it: float(it[1].notes["pitch"].mean()))[1]
        if len(pitched) > 1:
            warnings.append(f"{len(pitched)} tracks: the melody is the highest one, {chosen.name or 'unnamed'} "
                            "(--track N chooses another)")
    line = skyline(Score(tracks=(chosen,))).tracks[0]
    if len(line) < len(chosen):
        warnings.append(f"the melody has chords: kept the top note of each ({len(chosen) - len(line)} notes "
                        "left out)")
    return line.replace(notes=np.array(line.notes), program=chosen.program, name="melody"), warnings


def fit_range(line: Track, low: int, high: int) -> tuple[Track, int]:
    """`line` moved by whole octaves so that it lies in low..high (0 if it already does), and the shift;
    a ConfigError if no octave fits it."""
    p = line.notes["pitch"].astype(int)
    if p.min() >= low and p.max() <= high:
        return line, 0
    fits = [12 * k for k in range(-6, 7) if p.min() + 12 * k >= low and p.max() + 12 * k <= high]
    if not fits:
        raise ConfigError(f"the melody spans {p.min()}..{p.max()} (MIDI), {p.max() - p.min()} semitones: no octave "
                          f"puts it inside {low}..{high}, the range this model writes the top voice in")
    shift = min(fits, key=abs)
    notes = line.notes.copy()
    notes["pitch"] += shift
    return line.replace(notes=notes), shift


def empty_tracks(n: int) -> tuple[Track, ...]:
    return tuple(Track(note_array()) for _ in range(n))
