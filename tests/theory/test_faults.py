from tunesmith.theory.faults import faults, voice_name
from tunesmith.theory.harmony import harmonize, merged
from tunesmith.theory.voice_leading import sonorities, voices

from .scores import Q, melody, score_of


def found(*chords):
    """(rule, tick, voices) of every fault of four voices given as (S, A, T, B) chords, a quarter each."""
    s = score_of(*(melody([c[v] for c in chords]) for v in range(4)))
    parts = voices(s)
    times, grid = sonorities(parts)
    return [(f.rule, f.tick // Q, f.voices) for f in faults(parts, times, grid, merged(harmonize(s)))]


I_C = (72, 64, 55, 48)


def test_parallels_hidden_and_overlap():
    assert found(I_C, (74, 65, 57, 50)) == [("parallel_octaves", 1, (0, 3)), ("parallel_fifths", 1, (2, 3))]
    # soprano leaps G4 -> C5 while the bass steps up into the octave: hidden octaves
    assert ("hidden_octaves", 1, (0, 3)) in found((67, 64, 60, 46), (72, 67, 64, 48))


def test_crossing_spacing_and_range():
    assert ("voice_crossing", 1, (1, 2)) in found(I_C, (72, 55, 60, 48))
    assert ("spacing", 0, (0, 1)) in found((79, 64, 55, 48))
    assert ("range", 0, (3,)) in found((72, 64, 55, 36))


def test_tendency_tones():
    # V7 -> I with the soprano's B4 falling to G4 and the seventh (F in the tenor) leaping up to C4
    v7, i = (71, 67, 65, 43), (67, 64, 60, 48)
    rules = [r for r, _, _ in found(v7, i)]
    assert "unresolved_leading_tone" in rules and "unresolved_seventh" in rules
    assert not [r for r in [r for r, _, _ in found(v7, (72, 64, 64, 48))] if r.startswith("unresolved")]


def test_voice_names():
    assert [voice_name(v, 4) for v in range(4)] == ["soprano", "alto", "tenor", "bass"]
    assert voice_name(4, 5) == "voice 5"
