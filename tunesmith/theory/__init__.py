"""Music theory on the score model, in plain numpy: pitch names, keys, scales, chords, meter, analysis; Roman
numerals and harmony per beat (`roman`, `harmony`), cadences, non-chord tones and voice-leading rules and faults
(`cadences`, `nonchord`, `voice_leading`, `faults`), which the metrics, the sampling constraints and the assistant
share."""

from tunesmith.theory.analysis import describe, summary
from tunesmith.theory.chords import (
    QUALITIES,
    Chord,
    ChordEvent,
    chord_from_pitch_classes,
    chord_from_pitches,
    chordify,
    chords_in_windows,
    chords_per_beat,
    make_chord,
    parse_chord,
    roman,
)
from tunesmith.theory.harmony import Harmony, harmonize
from tunesmith.theory.histogram import pitch_class_histogram, pitch_class_histograms
from tunesmith.theory.keys import (
    DEFAULT_PROFILE,
    KEYS,
    PROFILES,
    correlate,
    estimate_key,
    key_correlations,
    key_index,
    local_keys,
)
from tunesmith.theory.meter import (
    beat_starts,
    beat_strength,
    beat_strengths,
    beat_ticks,
    beats_per_bar,
    is_compound,
    metrical_levels,
)
from tunesmith.theory.pitch import PITCH_CLASS_NAMES, parse_pitch_class, pitch_class_name, pitch_name
from tunesmith.theory.roman import Numeral, numeral
from tunesmith.theory.scales import (
    KEY_SCALES,
    SCALES,
    in_key,
    in_scale,
    key_mask,
    key_pitch_classes,
    pitch_mask,
    scale_intervals,
    scale_mask,
    scale_pitch_classes,
)

__all__ = [
    "DEFAULT_PROFILE", "KEYS", "KEY_SCALES", "PITCH_CLASS_NAMES", "PROFILES", "QUALITIES", "SCALES", "Chord",
    "ChordEvent", "Harmony", "Numeral",
    "beat_starts", "beat_strength", "beat_strengths", "beat_ticks", "beats_per_bar",
    "chord_from_pitch_classes", "chord_from_pitches", "chordify", "chords_in_windows", "chords_per_beat",
    "correlate", "describe",
    "estimate_key", "harmonize", "in_key", "in_scale", "is_compound", "key_correlations", "key_index", "key_mask",
    "key_pitch_classes", "local_keys", "make_chord",
    "metrical_levels", "numeral", "parse_chord", "parse_pitch_class", "pitch_class_histogram", "pitch_class_histograms",
    "pitch_class_name", "pitch_mask", "pitch_name", "roman", "scale_intervals", "scale_mask",
    "scale_pitch_classes", "summary",
]
