import numpy as np
import pytest

from tunesmith.score import KeySignature, Score, Track, note_array
from tunesmith.theory.chords import make_chord
from tunesmith.theory.spelling import (
    chord_spelling,
    key_fifths,
    keys_for,
    nearest,
    spell,
    spelled_name,
    step_alter,
    tonic_tpc,
    tpc_name,
)

from .scores import Q, melody, score_of

C, A_MINOR = KeySignature(0, 0, "major"), KeySignature(0, 9, "minor")


def names(score: Score, track: int = 0) -> list[str]:
    return [spelled_name(n["pitch"], q) for n, q in zip(score.tracks[track].notes, spell(score)[track])]


def test_line_of_fifths_names():
    assert [tpc_name(q) for q in (0, 1, -1, 6, -6, 7, -2, 13, -9)] == [
        "C", "G", "F", "F#", "Gb", "C#", "Bb", "F##", "Bbb"]
    assert step_alter(14) == ("C", 2)
    assert spelled_name(60, 12) == "B#3" and spelled_name(59, -7) == "Cb4" and spelled_name(61, -5) == "Db4"


@pytest.mark.parametrize(("tonic", "mode", "fifths"), [
    (0, "major", 0), (7, "major", 1), (4, "major", 4), (5, "major", -1), (3, "major", -3), (6, "major", 6),
    (9, "minor", 0), (0, "minor", -3), (4, "minor", 1), (5, "minor", -4), (1, "minor", 4)])
def test_key_signatures(tonic, mode, fifths):
    assert key_fifths(KeySignature(0, tonic, mode)) == fifths


def test_the_key_window():
    # E major: D-sharp not E-flat; C major: F#, C#, G#, Bb, Eb (the secondary dominants' tones, flat 6 and 7)
    e_major = KeySignature(0, 4, "major")
    assert names(score_of(melody([64, 66, 68, 69, 71, 73, 75, 76]), key_signatures=(e_major,))) == [
        "E4", "F#4", "G#4", "A4", "B4", "C#5", "D#5", "E5"]
    assert [tpc_name(int(q)) for q in nearest(np.arange(12), 2.5)] == [
        "C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"]


@pytest.mark.parametrize("tonic", range(12))
def test_the_leading_tone_of_every_minor_key_is_raised_never_a_flat(tonic):
    key = KeySignature(0, tonic, "minor")
    # i - V - i with the leading tone in the melody: t, t-1, t
    line = melody([60 + tonic, 59 + tonic, 60 + tonic])
    bass = melody([48 + tonic, 43 + tonic, 48 + tonic])
    tonic_step, tonic_alter = step_alter(tonic_tpc(key))
    step, alter = step_alter(int(spell(score_of(line, bass, key_signatures=(key,)))[0][1]))
    assert step == "CDEFGAB"[("CDEFGAB".index(tonic_step) - 1) % 7]  # the letter below the tonic
    assert (60 + tonic - 1 - {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}[step] - alter) % 12 == 0


def test_harmony_spells_secondary_dominants_and_borrowed_chords():
    # in C major: B major (V of iii) has D#, A-flat major (borrowed VI) has Ab and Eb, vii°7 of V keeps Eb
    assert chord_spelling(make_chord(11, "maj"), 2.5)[3] == 9  # D#
    assert {tpc_name(q) for q in chord_spelling(make_chord(8, "maj"), 2.5).values()} == {"Ab", "C", "Eb"}
    assert {tpc_name(q) for q in chord_spelling(make_chord(6, "dim7"), 2.5).values()} == {"F#", "A", "C", "Eb"}
    # a diminished triad is spelled as part of its seventh: A-C-Eb in E-flat major, not Bbb-C-Eb
    assert {tpc_name(q) for q in chord_spelling(make_chord(3, "dim"), -0.5).values()} >= {"A", "C", "Eb"}
    # in a score: the tenor's D# under B major, in C major
    upper = note_array([(71, 0, Q), (75, 0, Q), (78, 0, Q), (76, Q, Q)])
    assert names(score_of(upper, melody([47, 52]), key_signatures=(C,)))[:3] == ["B4", "D#5", "F#5"]


def test_a_clash_is_no_chord():
    # G minor: a soprano B-flat falling to A over a bass B natural is a clash, not a B-D-F#-A# chord
    g_minor = KeySignature(0, 7, "minor")
    score = score_of(melody([70, 69]), melody([62, 60]), melody([47, 48]), key_signatures=(g_minor,))
    assert names(score)[0] == "Bb4"


def test_chromatic_steps_are_spelled_by_their_direction():
    assert names(score_of(melody([60, 61, 62]), key_signatures=(C,)))[1] == "C#4"  # rising
    assert names(score_of(melody([62, 61, 60]), key_signatures=(C,)))[1] == "Db4"  # falling
    assert names(score_of(melody([69, 70, 69]), key_signatures=(C,)))[1] == "Bb4"  # upper neighbour
    assert names(score_of(melody([67, 66, 67]), key_signatures=(C,)))[1] == "F#4"  # lower neighbour


def test_without_a_key_the_estimated_key():
    score = score_of(melody([57, 60, 64, 68, 69]))
    assert keys_for(score)[0].name == "A minor" and names(score)[3] == "G#4"
    assert keys_for(Score())[0] == C  # no notes: C major


def test_drums_and_empty_tracks():
    score = Score(tracks=(Track(note_array([(36, 0, Q)]), is_drum=True), Track()))
    assert [len(s) for s in spell(score)] == [1, 0]


def test_agreement_with_bach():
    """The spelling of 20 chorales of music21's corpus, read from their MusicXML: bench/spelling.py measures all
    of them (99.97% of 80,617 notes, 99.35% of the 3,987 outside the key's scale)."""
    corpus = pytest.importorskip("music21.corpus")
    from tunesmith.io.music21 import _ticks, from_music21

    same = total = chromatic_same = chromatic = 0
    for name in list(corpus.chorales.Iterator(returnType="filename"))[:20]:
        s = corpus.parse(name)
        first = s.parts[0].getElementsByClass("Measure").first()
        shift = _ticks(first.paddingLeft) if first is not None and first.paddingLeft else 0
        score = from_music21(s)
        written = {}
        for p, part in enumerate(s.parts):
            for n in part.flatten().notes:
                if n.isChord or (n.tie is not None and n.tie.type != "start"):
                    continue
                alter = int(n.pitch.accidental.alter) if n.pitch.accidental is not None else 0
                written[(p, _ticks(n.offset) + shift, n.pitch.midi)] = "FCGDAEB".index(n.pitch.step) - 1 + 7 * alter
        k = key_fifths(score.key_signatures[0])
        for p, (track, tpcs) in enumerate(zip(score.tracks, spell(score))):
            for n, q in zip(track.notes, tpcs):
                want = written.get((p, int(n["start"]), int(n["pitch"])))
                if want is None:
                    continue
                total, same = total + 1, same + (want == q)
                if not k - 1 <= want <= k + 5:  # outside the signature's seven tones
                    chromatic, chromatic_same = chromatic + 1, chromatic_same + (want == q)
    assert total > 3000 and chromatic > 100
    assert same / total > 0.998 and chromatic_same / chromatic > 0.97
