import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tunesmith.evaluation import metrics as m
from tunesmith.evaluation import repetition
from tunesmith.evaluation.features import FEATURES
from tunesmith.evaluation.metrics import METRICS
from tunesmith.score import Score, Track, note_array, transpose
from tunesmith.theory.keys import estimate_key

from .scores import C_MAJOR_SCALE, Q, melody, score_of

SCALE = score_of(melody(C_MAJOR_SCALE))  # C4..B4, quarters
OCTAVE_SCALE = score_of(melody([*C_MAJOR_SCALE, 72]))  # C4..C5


def test_c_major_scale_known_values():
    assert m.pitch_class_entropy(SCALE) == pytest.approx(math.log2(7))
    assert m.scale_consistency(SCALE) == 1.0
    assert m.pitch_classes_used(SCALE) == 7
    assert m.pitch_range(OCTAVE_SCALE) == 12
    assert m.pitches_used(OCTAVE_SCALE) == 8
    assert m.pitch_classes_used(OCTAVE_SCALE) == 7
    assert m.in_key_rate(OCTAVE_SCALE) == 1.0
    assert m.mean_abs_interval(OCTAVE_SCALE) == pytest.approx(12 / 7)
    assert m.polyphony(OCTAVE_SCALE) == 1.0
    assert m.polyphony_rate(OCTAVE_SCALE) == 0.0
    assert m.note_density(OCTAVE_SCALE) == 1.0  # one note per beat
    assert m.empty_beat_rate(OCTAVE_SCALE) == 0.0


def test_entropy_of_one_pitch_class_is_zero_and_chromatic_is_log2_12():
    assert m.pitch_class_entropy(score_of(melody([60, 72, 48]))) == 0.0
    assert m.pitch_class_entropy(score_of(melody(range(60, 72)))) == pytest.approx(math.log2(12))


def test_scale_consistency_and_in_key_count_notes_outside():
    s = score_of(melody([*C_MAJOR_SCALE, 61]))  # one C# among 8 notes
    assert m.scale_consistency(s) == pytest.approx(7 / 8)
    assert m.in_key_rate(s) == pytest.approx(7 / 8)


def test_in_key_rate_counts_the_raised_leading_tone_of_minor_as_in_key():
    # A minor with its G#: in key for the minor key (natural + harmonic + melodic)
    s = score_of(melody([57, 59, 60, 62, 64, 65, 68, 69, 64, 57], [1, 1, 1, 1, 2, 1, 1, 4, 1, 4]))
    key = estimate_key(s)
    assert (key.tonic, key.mode) == (9, "minor")
    assert m.in_key_rate(s) == 1.0
    assert m.scale_consistency(s) == pytest.approx(9 / 10)


def test_polyphony_counts_distinct_pitches_over_sounding_time():
    s = score_of(note_array([(60, 0, 4 * Q), (64, 0, 2 * Q)]))
    assert m.polyphony(s) == pytest.approx(1.5)
    assert m.polyphony_rate(s) == pytest.approx(0.5)
    unison = score_of(note_array([(60, 0, Q)]), note_array([(60, 0, Q)]))
    assert m.polyphony(unison) == 1.0


def test_empty_beats_and_density_skip_the_silence_before_a_pickup():
    gaps = score_of(note_array([(60, 0, Q), (62, 3 * Q, Q)]))
    assert m.empty_beat_rate(gaps) == 0.5
    assert m.note_density(gaps) == 0.5
    pickup = score_of(melody([67, 72, 71, 72, 74], start=3 * Q))
    assert m.note_density(pickup) == 1.0
    assert m.empty_beat_rate(pickup) == 0.0
    waltz = score_of(melody([60, 62, 64, 65, 67, 69]), meter=(3, 4))
    assert m.note_density(waltz) == 1.0


def test_groove_consistency():
    same = score_of(melody([60, 62, 64, 65, 67, 65, 64, 62]))
    assert m.groove_consistency(same) == 1.0
    changed = score_of(melody([60, 62, 64, 65, 67, 64], [1, 1, 1, 1, 2, 2]))  # onsets 0,4,8,12 then 0,8
    assert m.groove_consistency(changed) == pytest.approx(1 - 2 / 16)
    assert math.isnan(m.groove_consistency(score_of(melody([60, 62]))))  # one bar)


def test_bar_repetition():
    a, b = [60, 64, 67, 64], [62, 65, 69, 65]
    abab = score_of(melody(a + b + a + b))
    assert repetition.bar_self_similarity(abab) == pytest.approx(1.0)
    assert repetition.repeated_bar_rate(abab) == 1.0
    abcd = score_of(note_array([(60, 0, Q), (62, 4 * Q + Q, Q), (64, 8 * Q + 2 * Q, Q), (65, 12 * Q + 3 * Q, Q)]))
    assert repetition.bar_self_similarity(abcd) == 0.0
    assert repetition.repeated_bar_rate(abcd) == 0.0
    aabc = score_of(melody(a + a + b + [72, 71, 69, 67]))
    assert repetition.repeated_bar_rate(aabc) == 0.5
    transposed = score_of(melody(a + [p + 2 for p in a]))
    assert repetition.repeated_bar_rate(transposed) == 0.0  # exact content only
    assert math.isnan(repetition.bar_self_similarity(score_of(melody([60]))))


def test_registry_holds_every_scalar_metric_with_a_docstring_naming_its_source():
    assert len(METRICS) >= 20 and len(set(METRICS.values())) == len(METRICS)
    sources = ("MusPy", "Yang", "Jaques", "RL Tuner", "Aldwell", "Wu & Yang", "Krumhansl", "cosine", "exact")
    for name, fn in METRICS.items():
        doc = inspect.getdoc(fn)
        assert doc and len(doc) > 60, name
        assert any(s in doc or s in inspect.getdoc(inspect.getmodule(fn)) for s in sources), name


EMPTY = (Score(), Score(tracks=(Track(),)), Score(tracks=(Track(note_array([(36, 0, Q)]), is_drum=True),)))


@pytest.mark.parametrize("score", EMPTY, ids=["no-tracks", "empty-track", "drums-only"])
def test_every_metric_is_nan_and_every_feature_all_nan_on_an_empty_score(score):
    for name, fn in METRICS.items():
        v = fn(score)
        assert isinstance(v, float) and math.isnan(v), name
    for name, fn in FEATURES.items():
        assert np.isnan(fn(score)).all(), name


RATES = {"scale_consistency", "in_key_rate", "polyphony_rate", "empty_beat_rate", "groove_consistency",
         "bar_self_similarity", "repeated_bar_rate", "voice_crossing_rate", "excessive_repetition_rate",
         "leaps_resolved", "starts_on_tonic", "ends_on_tonic"}

notes = st.lists(st.tuples(st.integers(21, 108), st.integers(0, 16 * Q), st.integers(1, 4 * Q)), max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.lists(notes, min_size=1, max_size=4), st.sampled_from([(4, 4), (3, 4), (6, 8)]))
def test_metrics_never_raise_and_stay_in_range(tracks, meter):
    s = score_of(*(note_array(t) for t in tracks), meter=meter)
    for name, fn in METRICS.items():
        v = fn(s)
        assert isinstance(v, float), name
        if s.note_count == 0:
            assert math.isnan(v), name
        elif not math.isnan(v):
            assert v >= 0, name
            if name in RATES:
                assert v <= 1 + 1e-12, name
    for name, fn in FEATURES.items():
        h = fn(s)
        assert np.isnan(h).all() or h.sum() == pytest.approx(1.0), name


@settings(max_examples=20, deadline=None)
@given(st.lists(notes, min_size=1, max_size=3), st.integers(-5, 6))
def test_transposition_changes_no_metric_but_the_key_bound_ones(tracks, shift):
    s = score_of(*(note_array([(p + 12, t, d) for p, t, d in tr]) for tr in tracks))
    moved = transpose(s, shift).score
    for name, fn in METRICS.items():
        a, b = fn(s), fn(moved)
        if name in ("out_of_range_notes", "in_key_rate", "starts_on_tonic", "ends_on_tonic"):
            continue  # depend on absolute pitch or on key estimation ties
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b), name
