"""Pitch spelling: the letter and accidental of every note (D-sharp or E-flat), from the key and the harmony.

A spelling is a position on the line of fifths (a "tonal pitch class", TPC): C = 0, G = 1, D = 2, ...,
F = -1, B-flat = -2, ...; F-sharp = 6 and G-flat = -6 sound alike. The pitch class of a TPC q is 7q mod 12,
its letter "FCGDAEB"[(q + 1) mod 7], its accidental (q + 1) // 7 (sharps > 0, flats < 0). Distance on the
line measures how far a spelling lies from a key: the basis of Temperley's line-of-fifths speller (*The
Cognition of Basic Musical Structures*, 2001, ch. 5) and of Meredith's ps13 (Computer Music Journal 30(2),
2006), of which this is a small rule-based relative. Three steps, each overriding the one before:

1. **Key window.** A key whose signature has k fifths (sharps > 0) spells each pitch class by the twelve
   consecutive fifths [k-3, k+8] in major, [k-2, k+9] in minor: the seven diatonic tones, the raised
   tones of the secondary dominants (in C: F-sharp, C-sharp, G-sharp) and the flat sixth and seventh
   (E-flat, B-flat); in minor one step sharper (in A minor: B-flat, and D-sharp for the leading tone of
   V), so the raised leading tone and sixth of minor are always sharps or naturals, never flats. The key
   is the notated one in force at the note, else `tunesmith.theory.keys.estimate_key`'s.
2. **Harmony.** The chord of the beat holding a note's onset (`chords.chords_in_windows`) is spelled as a
   whole, in thirds from its root (major third = 4 fifths, minor third = -3, fifth = 1, diminished fifth
   = -6, minor seventh = -2, diminished seventh = -9, ...), choosing the root's spelling (and, for a
   diminished seventh or augmented triad, which tone is the root) that puts the tones nearest the key's
   centre on the line of fifths. So B-D#-F# in C major (V of iii) has D-sharp where the window says
   E-flat, A-flat-C-E-flat (borrowed VI) has A-flat, and F#-A-C-Eb (vii°7 of V) keeps its E-flat.
   A note of the beat that is a chord tone takes the chord's spelling. A minor-major seventh (B-D-F#-A#) is
   taken for the clash it mostly is in this music, and spells nothing.
3. **Line.** A note outside the key and outside its beat's chord that moves by a semitone to the next
   note of its track (a chromatic passing or neighbour tone) is spelled as a diatonic semitone to that
   note: C#-D rising, Db-C falling.

Measured against the notated spelling of the Bach chorales of the music21 corpus: see bench/spelling.py
(and bench/RESULTS.md).
"""

from __future__ import annotations

import numpy as np

from tunesmith.score.model import KeySignature, Score
from tunesmith.theory.chords import Chord, chords_in_windows
from tunesmith.theory.keys import estimate_key
from tunesmith.theory.meter import beat_starts

LETTERS = "FCGDAEB"  # the letters in order of fifths: the letter of TPC q is LETTERS[(q + 1) % 7]
STEP_SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# a chord's tones as fifths above its root, tone for tone with chords.QUALITIES (0, 4, 7 -> 0, 4, 1)
CHORD_FIFTHS: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 1), "min": (0, -3, 1), "dim": (0, -3, -6), "aug": (0, 4, 8), "sus4": (0, -1, 1),
    "sus2": (0, 2, 1), "7": (0, 4, 1, -2), "maj7": (0, 4, 1, 5), "m7": (0, -3, 1, -2), "m7b5": (0, -3, -6, -2),
    "dim7": (0, -3, -6, -9), "mMaj7": (0, -3, 1, 5), "6": (0, 4, 1, 3), "m6": (0, -3, 1, 3),
    "9": (0, 4, 1, -2, 2), "maj9": (0, 4, 1, 5, 2), "m9": (0, -3, 1, -2, 2), "5": (0, 1),
}
# chords whose root the tones alone do not tell: a diminished triad may be three tones of any of three diminished
# sevenths (G-Bb-C# is C#°7 without its E). Their tones are spelled as a chord, and then by the line (step 3)
# where they move by a semitone: the leading tone rising (A#-B, not Bb-B), the seventh falling
UNSETTLED = {"dim", "dim7", "aug"}
# templates that fit clashes rather than chords of tonal music (B-D-F#-A# over a soprano's B-flat falling to A in
# G minor): no evidence for a spelling, which the key and the line then decide
UNHEARD = {"mMaj7"}
MINOR_SHIFT = 1  # a minor key's window lies this many fifths sharper than its relative major's


def key_fifths(key: KeySignature) -> int:
    """Sharps (> 0) or flats (< 0) of a key's signature, the fewer-accidental one: G major 1, C minor -3;
    six either way is written as sharps (F# major, D# minor), as `tunesmith.io.midi.sharps_from_key` does."""
    major_tonic = (key.tonic + 3) % 12 if key.mode == "minor" else key.tonic % 12
    s = (7 * major_tonic) % 12
    return s - 12 if s > 6 else s


def key_centre(key: KeySignature) -> float:
    """The middle of the key's spelling window on the line of fifths (see the module doc)."""
    return key_fifths(key) + 2.5 + (MINOR_SHIFT if key.mode == "minor" else 0)


def tonic_tpc(key: KeySignature) -> int:
    """The tonic's spelling: E-flat major -3, C-sharp minor 7."""
    return key_fifths(key) + (3 if key.mode == "minor" else 0)


def nearest(pitch_class, centre) -> np.ndarray:
    """The TPC of each pitch class nearest `centre` on the line of fifths (ties to the flat side)."""
    pc = np.asarray(pitch_class, dtype=np.int64) % 12
    base = (7 * pc) % 12  # 7 * 7 = 49 = 1 mod 12: the TPC in 0..11 of pitch class pc
    return base + 12 * np.ceil((np.asarray(centre) - 5.5 - base) / 12).astype(np.int64)


def step_alter(tpc: int) -> tuple[str, int]:
    """Letter and accidental of a TPC: 6 -> ("F", 1), -3 -> ("E", -1), 14 -> ("C", 2)."""
    return LETTERS[(tpc + 1) % 7], (tpc + 1) // 7


def tpc_name(tpc: int) -> str:
    """A TPC as a note name: 6 -> "F#", -9 -> "Fb", 14 -> "C##"."""
    step, alter = step_alter(tpc)
    return step + ("#" * alter if alter > 0 else "b" * -alter)


def written_octave(pitch: int, tpc: int) -> int:
    """The octave a MIDI pitch is written in under a spelling: 60 as B-sharp is B#3, 59 as C-flat is Cb4."""
    return (int(pitch) - step_alter(tpc)[1]) // 12 - 1


def spelled_name(pitch: int, tpc: int) -> str:
    """A MIDI pitch under a spelling: (61, 7) -> "C#4", (61, -5) -> "Db4"."""
    return f"{tpc_name(tpc)}{written_octave(pitch, tpc)}"


def chord_spelling(chord: Chord, centre: float) -> dict[int, int]:
    """{pitch class: TPC} of a chord's tones, spelled in thirds from the root whose spelling puts them nearest
    `centre` (summed distance). A diminished seventh or augmented triad may have any tone as its root, and a
    diminished triad is spelled as part of its diminished seventh: A-C-Eb, not Ebb-C-Eb (the speller's choice
    of root among enharmonic ones is no evidence), each tried."""
    quality = "dim7" if chord.quality == "dim" else chord.quality  # a diminished triad as part of its seventh
    steps = CHORD_FIFTHS[quality]
    roots = [(chord.root + 3 * i) % 12 for i in range(4)] if quality == "dim7" else (
        [(chord.root + 4 * i) % 12 for i in range(3)] if quality == "aug" else [chord.root])
    best, best_cost = {}, float("inf")
    for root in roots:
        first = int(nearest(root, centre))
        for q in (first - 12, first, first + 12):
            tones = [q + s for s in steps]
            cost = sum(abs(t - centre) for t in tones)
            if cost < best_cost:
                best, best_cost = {(7 * t) % 12: t for t in tones}, cost
    return best


def keys_for(score: Score) -> tuple[KeySignature, ...]:
    """The key map spelling follows: the notated keys, else the estimated key, else C major."""
    if score.key_signatures:
        return score.key_signatures
    return (estimate_key(score) or KeySignature(0, 0, "major"),)


def spell(score: Score, keys=None, harmony: bool = True, line: bool = True) -> list[np.ndarray]:
    """The spelling (TPC) of every note: one int64 array per track, in the order of its notes (see the module
    doc). `keys` is a key map to follow instead of `keys_for(score)`; `harmony` and `line` switch steps 2 and
    3 (for measuring what each adds). Drum tracks get zeros."""
    keys = tuple(sorted(keys or keys_for(score), key=lambda k: k.tick))
    key_ticks = np.array([k.tick for k in keys], dtype=np.int64)
    centres = np.array([key_centre(k) for k in keys])
    edges = beat_starts(score)
    edges = np.append(edges, max(score.end, int(edges[-1])) + 1)
    chords = chords_in_windows(score, edges)
    out = []
    for track in score.tracks:
        notes = track.notes
        if track.is_drum or not len(notes):
            out.append(np.zeros(len(notes), dtype=np.int64))
            continue
        start, pitch = notes["start"], notes["pitch"].astype(np.int64)
        which = np.clip(np.searchsorted(key_ticks, start, side="right") - 1, 0, None)  # the key at each note
        centre = centres[which]
        tpc = nearest(pitch, centre)  # 1. the key window
        beat = np.clip(np.searchsorted(edges, start, side="right") - 1, 0, len(chords) - 1)
        by_chord = np.zeros(len(notes), dtype=bool)
        cache: dict[tuple, dict[int, int]] = {}
        for i in range(len(notes) if harmony else 0):  # 2. the beat's chord
            chord = chords[beat[i]].chord
            if chord is None or chord.quality in UNHEARD or pitch[i] % 12 not in chord.pitch_classes:
                continue
            spelled = cache.setdefault((chord, centre[i]), chord_spelling(chord, centre[i]))
            tpc[i], by_chord[i] = spelled[pitch[i] % 12], chord.quality not in UNSETTLED
        diatonic = np.array([[q in scale for q in range(-30, 31)] for scale in map(diatonic_tpcs, keys)])
        if line:  # 3. the line
            _chromatic_steps(notes, tpc, by_chord | diatonic[which, np.clip(tpc + 30, 0, 60)])
        out.append(tpc)
    return out


def diatonic_tpcs(key: KeySignature) -> frozenset[int]:
    """The spellings of a key's scale: the seven of the signature, and in minor the raised sixth and seventh."""
    k = key_fifths(key)
    return frozenset(range(k - 1, k + 6)) | (frozenset((k + 6, k + 8)) if key.mode == "minor" else frozenset())


def _chromatic_steps(notes: np.ndarray, tpc: np.ndarray, settled: np.ndarray) -> None:
    """Step 3 of the module doc, in place: a note not `settled` (a chord tone, or in the key's scale) moving by a
    semitone to a note that starts as it ends is a diatonic semitone from that note. Last note first, so that
    a chromatic run takes each spelling from the note it leads to."""
    start, end = notes["start"].tolist(), (notes["start"] + notes["duration"]).tolist()
    pitch = notes["pitch"].tolist()
    starting: dict[int, list[int]] = {}  # onset -> the notes starting there, in the track's order
    for i, t in enumerate(start):
        starting.setdefault(t, []).append(i)
    for i in range(len(pitch) - 1, -1, -1):
        if settled[i]:
            continue
        j = next((j for j in starting.get(end[i], ()) if abs(pitch[j] - pitch[i]) == 1), None)
        if j is not None:
            # a minor second is 5 fifths down (C -> Db) or up (C# -> D) the line
            tpc[i] = tpc[j] + 5 if pitch[j] > pitch[i] else tpc[j] - 5
