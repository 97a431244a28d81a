"""One analysis of a score: local keys, a Roman numeral per beat, cadences, phrases, non-chord tones and, for
music in parts, voice-leading faults; each part computed by `tunesmith.theory`, put together here.

`analyze_score` is pure (a Score in, an `Analysis` out); `tunesmith.assistant.analyze` is the job around it
that reads a file and writes the report in its formats.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from tunesmith.errors import ScoreError
from tunesmith.io.measures import MeasureMap, grid_measures
from tunesmith.score.model import KeySignature, Score, TimeSignature
from tunesmith.theory.cadences import Cadence, cadences, phrase_boundaries
from tunesmith.theory.faults import RULES, Fault, faults
from tunesmith.theory.harmony import Harmony, harmonize, merged
from tunesmith.theory.meter import beat_ticks
from tunesmith.theory.nonchord import NonChordTone, non_chord_tones
from tunesmith.theory.voice_leading import sonorities, voice_order


@dataclass(frozen=True)
class Analysis:
    """What `analyze_score` found; ticks throughout, `where` turns them into measure and beat."""

    score: Score
    measures: MeasureMap
    voice_tracks: tuple[int, ...]  # track index of each voice, highest first
    harmony: list[Harmony]  # one per beat
    spans: list[Harmony]  # the same, repeats merged: one per change of key or numeral
    phrase_ends: np.ndarray  # ticks
    cadences: list[Cadence]
    non_chord_tones: list[NonChordTone]
    faults: list[Fault]  # empty for a single voice
    seconds: float  # time the analysis took

    @property
    def voices(self) -> int:
        return len(self.voice_tracks)

    def keys(self) -> list[KeySignature]:
        """The key map: the first key at its tick, then each change (modulation or tonicized region)."""
        out: list[KeySignature] = []
        for h in self.spans:
            if h.numeral is None:
                continue  # silence (before a pickup) has no key of its own
            if not out or (out[-1].tonic, out[-1].mode) != (h.key.tonic, h.key.mode):
                out.append(h.key)
        return out

    def time_signature(self, tick: int) -> TimeSignature:
        sigs = [s for s in self.score.time_signatures if s.tick <= tick]
        return sigs[-1] if sigs else self.score.time_signatures[0]

    def where(self, tick: int) -> tuple[str, float]:
        """(measure number as printed, beat from 1) of a tick; beats in the meter's beat unit."""
        number, offset = self.measures.locate(tick)
        return number, 1 + offset / beat_ticks(self.time_signature(tick))


def where_text(analysis: Analysis, tick: int) -> str:
    """"bar 12, beat 3" (a fractional beat as 2.5, or 1.33 for a triplet)."""
    number, beat = analysis.where(tick)
    return f"bar {number}, beat {round(beat, 2):g}"


def analyze_score(score: Score, measures: MeasureMap | None = None, rules=RULES) -> Analysis:
    """Analyse a score (see the module doc); `measures` numbers its bars (default: the grid, a pickup as 0).
    ScoreError for a score without pitched notes."""
    t0 = time.perf_counter()
    if not len(score.all_notes()):
        raise ScoreError("the score holds no notes; there is nothing to analyse")
    order = voice_order(score)
    parts = [score.tracks[i].notes for i in order]
    harmony = harmonize(score)
    spans = merged(harmony)
    ends = phrase_boundaries(score)
    top = _top_line(parts[0]) if parts else None
    found_faults: list[Fault] = []
    if len(parts) >= 2:
        times, grid = sonorities(parts)
        found_faults = faults(parts, times, grid, spans, rules)
    return Analysis(
        score=score,
        measures=measures or grid_measures(score),
        voice_tracks=tuple(order),
        harmony=harmony,
        spans=spans,
        phrase_ends=ends,
        cadences=cadences(score, spans, ends, top),
        non_chord_tones=non_chord_tones(parts, harmony),
        faults=found_faults,
        seconds=time.perf_counter() - t0,
    )


def _top_line(notes: np.ndarray) -> np.ndarray:
    """The highest note of each onset of a voice."""
    return notes[np.r_[notes["start"][1:] != notes["start"][:-1], True]] if len(notes) else notes
