"""Scalar metrics of a score: pure functions `Score -> float`, NaN when undefined (always on an empty score).

Pitch and rhythm metrics follow MusPy (H.-W. Dong, K. Chen, J. McAuley and T. Berg-Kirkpatrick, "MusPy: a
toolkit for symbolic music generation", ISMIR 2020, section 5 and `muspy.metrics`) and Yang & Lerch (L.-C.
Yang and A. Lerch, "On the evaluation of generative models in music", Neural Computing and Applications
2020, preprint 2018). Drum tracks are left out everywhere. Notes are counted, not weighted by duration,
unless a docstring says otherwise. `METRICS` maps a name to every scalar metric of the evaluation package
(this module, `repetition`, `voice_leading` and `melody`).
"""

from __future__ import annotations

import math

import numpy as np

from tunesmith.evaluation import melody, repetition, voice_leading
from tunesmith.evaluation.features import line_intervals
from tunesmith.score.model import Score
from tunesmith.theory.histogram import window_overlaps
from tunesmith.theory.keys import estimate_key
from tunesmith.theory.meter import beat_starts, beat_ticks
from tunesmith.theory.scales import key_mask, scale_mask


def _pc_counts(score: Score) -> np.ndarray:
    return np.bincount(score.all_notes()["pitch"] % 12, minlength=12).astype(np.float64)


def pitch_range(score: Score) -> float:
    """Highest minus lowest MIDI pitch, in semitones (MusPy `pitch_range`; Yang & Lerch's PR)."""
    p = score.all_notes()["pitch"]
    return float(p.max() - p.min()) if len(p) else math.nan


def pitches_used(score: Score) -> float:
    """Number of distinct MIDI pitches (MusPy `n_pitches_used`; Yang & Lerch's pitch count PC)."""
    p = score.all_notes()["pitch"]
    return float(len(np.unique(p))) if len(p) else math.nan


def pitch_classes_used(score: Score) -> float:
    """Number of distinct pitch classes, 1..12 (MusPy `n_pitch_classes_used`)."""
    counts = _pc_counts(score)
    return float((counts > 0).sum()) if counts.any() else math.nan


def pitch_class_entropy(score: Score) -> float:
    """Shannon entropy in bits of the pitch-class distribution of the notes (MusPy `pitch_class_entropy`,
    after Wu & Yang 2020, "The Jazz Transformer on the front line", ISMIR):

        H = -sum_{c=0}^{11} P(c) log2 P(c),   P(c) = #notes of pitch class c / #notes

    0 for one pitch class, log2(7) = 2.807 for a diatonic scale played once, log2(12) at most.
    """
    counts = _pc_counts(score)
    if not counts.any():
        return math.nan
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log2(p)).sum())


def scale_consistency(score: Score) -> float:
    """Largest share of notes inside one major or natural-minor scale, over all 24 (MusPy
    `scale_consistency`, after Mogren 2016, "C-RNN-GAN", NeurIPS workshop):

        SC = max_{tonic, mode} #notes in scale(tonic, mode) / #notes

    (The natural minor scale has the pitch classes of its relative major, so 12 distinct sets are tried.)
    """
    counts = _pc_counts(score)
    if not counts.any():
        return math.nan
    major = scale_mask(0, "major")
    best = max(counts[np.roll(major, t)].sum() for t in range(12))
    return float(best / counts.sum())


def in_key_rate(score: Score) -> float:
    """Share of notes in the key estimated for the whole score (`tunesmith.theory.keys.estimate_key`,
    Krumhansl-Schmuckler with Aarden's profiles):

        rate = #notes whose pitch class is in key / #notes

    "In key" is `tunesmith.theory.scales.key_pitch_classes`: the major scale, or in minor the natural,
    harmonic and melodic minor together (the raised 6th and 7th are in key). The complement of RL Tuner's
    "notes not in key" (Jaques et al. 2017), and MusPy's `pitch_in_scale_rate` for the estimated key.
    """
    key = estimate_key(score)
    counts = _pc_counts(score)
    if key is None or not counts.any():
        return math.nan
    return float(counts[key_mask(key.tonic, key.mode)].sum() / counts.sum())


def _segments(score: Score) -> tuple[np.ndarray, np.ndarray]:
    """(distinct pitches sounding, length in ticks) of each span between consecutive note starts/ends."""
    notes = score.all_notes()
    edges = np.unique(np.concatenate([notes["start"], notes["start"] + notes["duration"]]))
    note, win, _ = window_overlaps(notes, edges)
    on = np.unique(win * 128 + notes["pitch"][note].astype(np.int64))
    return np.bincount(on // 128, minlength=max(len(edges) - 1, 0)), np.diff(edges)


def polyphony(score: Score) -> float:
    """Mean number of distinct pitches sounding, over the time when at least one sounds (MusPy `polyphony`):

        polyphony = sum_t n(t) / #{t : n(t) > 0},   n(t) = distinct pitches sounding at tick t

    Computed exactly per tick (as on a piano roll at the score resolution). 1.0 for a melody; 4.0 for a
    chorale whose four voices never rest or meet in unison.
    """
    if not len(score.all_notes()):
        return math.nan
    n, length = _segments(score)
    return float((n * length).sum() / length[n > 0].sum())


def polyphony_rate(score: Score) -> float:
    """Share of time, from the first onset to the last note end, when two or more distinct pitches sound
    (MusPy `polyphony_rate` with its default threshold 2):

        rate = #{t : n(t) >= 2} / #{t : first onset <= t < end}
    """
    if not len(score.all_notes()):
        return math.nan
    n, length = _segments(score)
    return float(length[n >= 2].sum() / length.sum())


def _beats(score: Score) -> tuple[np.ndarray, np.ndarray]:
    """(notes, beat edges) for the beats from the one holding the first onset to the one holding the end.

    Beats follow the time-signature map (`tunesmith.theory.meter`: a dotted beat in compound meter), so a
    pickup does not count the silent beats before it.
    """
    notes = score.all_notes()
    end = int((notes["start"] + notes["duration"]).max())
    starts = beat_starts(score, end)
    starts = starts[starts < end] if (starts < end).any() else starts[:1]  # a meter change after the end
    sig = [s for s in score.time_signatures if s.tick <= starts[-1]] or [score.time_signatures[0]]
    edges = np.append(starts, starts[-1] + beat_ticks(sig[-1]))
    first = max(int(np.searchsorted(edges, notes["start"].min(), side="right")) - 1, 0)
    return notes, edges[first:]


def note_density(score: Score) -> float:
    """Notes per beat: #notes / #beats, counting the beats from the one holding the first onset to the one
    holding the last note end (beats follow the time-signature map; all tracks together). After Yang &
    Lerch's note count (NC), made independent of the length of the piece.
    """
    if not len(score.all_notes()):
        return math.nan
    notes, edges = _beats(score)
    return len(notes) / (len(edges) - 1)


def empty_beat_rate(score: Score) -> float:
    """Share of beats in which no note sounds at all (MusPy `empty_beat_rate`, from Pypianoroll):

        rate = #beats with no sounding note / #beats

    over the beats of `note_density` (a rest before a pickup is not counted).
    """
    if not len(score.all_notes()):
        return math.nan
    notes, edges = _beats(score)
    _, win, _ = window_overlaps(notes, edges)
    return 1.0 - len(np.unique(win)) / (len(edges) - 1)


def groove_consistency(score: Score) -> float:
    """One minus the mean normalized Hamming distance between the onset patterns of neighbouring bars
    (MusPy `groove_consistency`, after Wu & Yang 2020, "The Jazz Transformer on the front line", ISMIR):

        GC = 1 - 1/(B-1) sum_{i=1}^{B-1} d(g_i, g_{i+1}) / Q

    g_i is the binary onset vector of bar i on a 16th-note grid (onsets rounded to it), Q the positions in
    a bar (16 in 4/4; the longer bar's if the meter changes), over the bars from the first to the last
    onset. 1.0 when every bar has the same rhythm. NaN with fewer than two bars.
    """
    grid = repetition.bar_grid(score)
    if grid is None or grid.onsets.shape[0] < 2:
        return math.nan
    g = grid.onsets.any(-1)  # (B, Q) any pitch class starting at each position
    q = np.maximum(grid.positions[:-1], grid.positions[1:])
    return float(1.0 - np.mean((g[:-1] != g[1:]).sum(1) / q))


def mean_abs_interval(score: Score) -> float:
    """Mean absolute melodic interval in semitones between consecutive notes of each melodic line (each
    track's highest note per onset; `features.melodic_lines`) -- Yang & Lerch's average pitch interval:

        PI = mean_i |p_{i+1} - p_i|
    """
    steps = line_intervals(score)
    return float(np.abs(steps).mean()) if len(steps) else math.nan


# every scalar metric by name, in report order
METRICS = {
    "pitch_range": pitch_range,
    "pitches_used": pitches_used,
    "pitch_classes_used": pitch_classes_used,
    "pitch_class_entropy": pitch_class_entropy,
    "scale_consistency": scale_consistency,
    "in_key_rate": in_key_rate,
    "polyphony": polyphony,
    "polyphony_rate": polyphony_rate,
    "note_density": note_density,
    "empty_beat_rate": empty_beat_rate,
    "groove_consistency": groove_consistency,
    "mean_abs_interval": mean_abs_interval,
    "bar_self_similarity": repetition.bar_self_similarity,
    "repeated_bar_rate": repetition.repeated_bar_rate,
    "parallel_fifths": voice_leading.parallel_fifths,
    "parallel_octaves": voice_leading.parallel_octaves,
    "voice_crossing_rate": voice_leading.voice_crossing_rate,
    "spacing_violations": voice_leading.spacing_violations,
    "out_of_range_notes": voice_leading.out_of_range_notes,
    "excessive_repetition_rate": melody.excessive_repetition_rate,
    "leaps_resolved": melody.leaps_resolved,
    "starts_on_tonic": melody.starts_on_tonic,
    "ends_on_tonic": melody.ends_on_tonic,
}
