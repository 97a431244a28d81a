from tunesmith.theory.harmony import harmonize
from tunesmith.theory.nonchord import non_chord_tones
from tunesmith.theory.voice_leading import voices

from .scores import melody, score_of


def kinds(soprano, lower, quarters=1):
    """Non-chord tones of a soprano line over block chords (alto, tenor, bass per beat)."""
    s = score_of(soprano, *(melody([c[v] for c in lower], quarters) for v in range(3)))
    return [(t.voice, t.kind) for t in non_chord_tones(voices(s), harmonize(s))]


C, G, G7 = (64, 55, 48), (62, 55, 43), (62, 53, 43)


def test_passing_and_neighbour_tones():
    # eighths E5 D5 C5 over C major (D5 passing), then C5 B4 C5 (B4 neighbour), off the beat
    assert kinds(melody([76, 74, 72, 71, 72, 72], 0.5), [C, C, C]) == [(0, "passing"), (0, "neighbour")]


def test_a_suspension_held_over_the_bar_line_and_resolved_down():
    # soprano C5 (a tone of C) held into G, then B4: a 4-3 suspension
    assert kinds(melody([72, 71], [1.5, 0.5]), [C, G]) == [(0, "suspension")]


def test_appoggiatura_anticipation_and_escape():
    # over G: soprano leaps up to A4 on the beat, steps down to G4: appoggiatura
    assert kinds(melody([64, 69, 67], [1, 0.5, 0.5]), [C, G]) == [(0, "appoggiatura")]
    # over G then C: B4 then C5 early (anticipation), C5 again on the beat
    assert kinds(melody([71, 72, 72], [0.5, 0.5, 1]), [G, C]) == [(0, "anticipation")]
    # over C: D5 by step from C5, then leap down to A4... escape tone
    assert kinds(melody([72, 74, 67], [0.5, 0.5, 1]), [C, C]) == [(0, "escape")]
