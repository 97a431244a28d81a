"""Roman numerals in RomanText notation: a chord named in a key, with inversion and secondary function.

RomanText (Tymoczko, Gotham, Cuthbert & Ariza 2019, "The RomanText format", ISMIR) is the plain-text
analysis format of music21 and of the published corpora (the Bach chorale and Monteverdi analyses in
music21's corpus). Its conventions, followed here so that what we write re-reads with music21's parser:

- case is the quality of the triad (IV major, ii minor), "o" diminished, "+" augmented, "ø7" half-diminished
  seventh, "o7" diminished seventh; a plain "7" is the seventh the key gives the chord;
- inversions are figured bass: triads "", "6", "6/4"; sevenths "7", "6/5", "4/3", "4/2";
- degrees count from the major scale in major and from the natural minor scale in minor, except that in
  minor the quality of a sixth or seventh degree chord says which form is meant: "vi", "viio" are built on
  the raised 6th and 7th, "VI", "VII" on the natural ones (music21's `Minor67Default.QUALITY`);
- an applied (secondary) chord is "V7/ii", "viio7/V": a dominant or leading-tone chord of a degree other
  than the tonic, written when the chord holds a tone outside the key;
- Neapolitan "N6", augmented sixths "It6" and "Ger65"; a fifth without its third is "V[no3]".

Harmonic function (tonic, predominant, dominant) follows Aldwell & Schachter, *Harmony and Voice Leading*,
4th ed., ch. 4 and 8.
"""

from __future__ import annotations

from dataclasses import dataclass

from tunesmith.score.model import KeySignature
from tunesmith.theory.chords import QUALITIES, Chord, make_chord
from tunesmith.theory.scales import key_pitch_classes

NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")
SCALE = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
MINOR_THIRD = {"min", "dim", "m7", "m7b5", "dim7", "mMaj7"}
TRIAD_SUFFIX = {"dim": "o", "aug": "+"}
SEVENTH_SUFFIX = {"dim7": "o", "m7b5": "ø"}  # before the figure: "viio7", "iiø6/5"
TRIAD_FIGURES = ("", "6", "6/4")
SEVENTH_FIGURES = ("7", "6/5", "4/3", "4/2")
SEVENTHS = {"7", "maj7", "m7", "m7b5", "dim7", "mMaj7"}
DOMINANT = {"maj", "7"}  # the chords that can be an applied V
LEADING = {"dim", "dim7", "m7b5"}  # the chords that can be an applied viio
# degree index (I = 0) -> harmonic function; iii and vi stand for the tonic, vii for the dominant
FUNCTIONS = {0: "tonic", 1: "predominant", 2: "tonic", 3: "predominant", 4: "dominant", 5: "tonic", 6: "dominant"}

# steps above the tonic -> (accidental, degree index) in major, and in minor for chords with a major third
_MAJOR = {0: ("", 0), 1: ("b", 1), 2: ("", 1), 3: ("b", 2), 4: ("", 2), 5: ("", 3), 6: ("#", 3), 7: ("", 4),
          8: ("b", 5), 9: ("", 5), 10: ("b", 6), 11: ("", 6)}
_MINOR_UPPER = {0: ("", 0), 1: ("b", 1), 2: ("", 1), 3: ("", 2), 4: ("#", 2), 5: ("", 3), 6: ("#", 3),
                7: ("", 4), 8: ("", 5), 9: ("#", 5), 10: ("", 6), 11: ("#", 6)}
# in minor, a lower-case vi or vii is built on the raised degree, so the natural one needs a flat
_MINOR_LOWER = {**_MINOR_UPPER, 8: ("b", 5), 9: ("", 5), 10: ("b", 6), 11: ("", 6)}


@dataclass(frozen=True)
class Numeral:
    """A chord named in a key: its RomanText figure and what the figure means."""

    figure: str  # "V6/5/V", "viio7", "bVI", "It6", "V[no3]"
    root: int  # pitch class of the chord as named (after `triad_or_seventh`)
    quality: str  # a key of QUALITIES
    bass: int  # pitch class of the lowest tone
    degree: int  # semitones from the tonic to the root (0-11) of the chord, or of its target if applied
    secondary: int | None = None  # pitch class of the tonicized chord's root (7 for V/V in C), or None

    @property
    def function(self) -> str:
        """"tonic", "predominant" or "dominant" (an applied chord is the dominant of its target)."""
        if self.secondary is not None or self.figure.startswith(("It", "Ger", "Fr")):
            return "dominant" if self.secondary is not None else "predominant"
        if self.figure.startswith("N"):
            return "predominant"
        return FUNCTIONS.get(_MAJOR[self.degree][1], "tonic")

    @property
    def primary(self) -> str:
        """The figure without inversion or applied part: "V" for "V6/5/V", "viio" for "viio7"."""
        head = self.figure.split("/")[0] if self.secondary is None else self.figure.rsplit("/", 1)[0]
        return head.rstrip("0123456789/").replace("[no3]", "")


def triad_or_seventh(chord: Chord) -> Chord:
    """The chord as a triad or seventh chord, the vocabulary of Roman numerals: C6 (C E G A) is Am7 over C,
    Cm6 Am7b5 over C, a ninth chord loses its ninth, sus chords become the triad they suspend (major)."""
    q, r, b = chord.quality, chord.root, chord.bass
    if q == "6":
        return make_chord(r + 9, "m7", b)
    if q == "m6":
        return make_chord(r + 9, "m7b5", b)
    if q in ("9", "maj9", "m9"):
        q = {"9": "7", "maj9": "maj7", "m9": "m7"}[q]
        return make_chord(r, q, b if (b - r) % 12 in QUALITIES[q] else r)
    if q in ("sus2", "sus4"):
        return make_chord(r, "maj", b if (b - r) % 12 in (0, 7) else r)
    return chord


def _case(numeral: str, quality: str) -> str:
    return numeral.lower() if quality in MINOR_THIRD else numeral


def plain_seventh(step: int, quality: str, mode: str) -> bool:
    """Whether RomanText's plain "7" means this chord's seventh: the one the key's scale gives (major, or
    natural minor) on an unaltered degree, as music21 reads it; diminished and half-diminished sevenths
    are written out ("o7", "ø7"), so always fit."""
    if quality in SEVENTH_SUFFIX:
        return True
    table = _MAJOR if mode != "minor" else (_MINOR_LOWER if quality in MINOR_THIRD else _MINOR_UPPER)
    if table[step][0]:  # on an altered degree music21 alters some chord tones and not others: never plain
        return False
    seventh = (step + QUALITIES[quality][3]) % 12
    return seventh in SCALE["minor" if mode == "minor" else "major"]


def _body(step: int, quality: str, inversion: int, mode: str) -> str:
    """Figure of a chord on `step` semitones above the tonic of a key in `mode`, without applied part."""
    table = _MAJOR if mode != "minor" else (_MINOR_LOWER if quality in MINOR_THIRD else _MINOR_UPPER)
    accidental, degree = table[step]
    head = accidental + _case(NUMERALS[degree], quality)
    if quality == "5":
        return head + ("", "6")[min(inversion, 1)] + "[no3]"
    if quality in SEVENTHS:
        return head + SEVENTH_SUFFIX.get(quality, "") + SEVENTH_FIGURES[min(inversion, 3)]
    return head + TRIAD_SUFFIX.get(quality, "") + TRIAD_FIGURES[min(inversion, 2)]


def _target(chord: Chord, key: KeySignature) -> int | None:
    """Root of the chord an applied dominant or leading-tone chord points to, if it is one: a chord off the
    tonic with a tone outside the key, a major triad or dominant seventh a fifth above a major or minor triad of the key
    (or a diminished chord a semitone below one), the tonic itself excepted."""
    if (chord.root == key.tonic and chord.quality == "maj") or chord.pitch_classes <= key_pitch_classes(key.tonic,
                                                                                                     key.mode):
        return None  # a major triad on the tonic is I, even in minor (a Picardy third)
    if chord.quality in DOMINANT:
        target = (chord.root + 5) % 12
    elif chord.quality in LEADING:
        target = (chord.root + 1) % 12
    else:
        return None
    step = (target - key.tonic) % 12
    return None if step == 0 or _diatonic_triad(step, key.mode) is None else target


def _diatonic_triad(step: int, mode: str) -> str | None:
    """Quality of the major or minor triad the key builds on `step` (minor: harmonic V, natural III, VI,
    VII), or None for a diminished or absent one."""
    major = {2: "min", 4: "min", 5: "maj", 7: "maj", 9: "min"}
    minor = {3: "maj", 5: "min", 7: "maj", 8: "maj", 10: "maj"}
    return (minor if mode == "minor" else major).get(step)


def functional_root(chord: Chord, key: KeySignature) -> Chord:
    """A symmetric chord respelled on the root its function implies: a diminished seventh (four possible
    roots) on the leading tone of the key, else of a major or minor triad of the key (an applied viio7);
    an augmented triad (three) on III (minor), V or I."""
    if chord.quality == "dim7":
        roots = [(chord.root + 3 * i) % 12 for i in range(4)]
        # the leading tone of the tonic, else of V, ii, vi, IV, iii (minor: V, iv, III, VI, VII), most common first
        targets = [0] + [s for s in (7, 2, 9, 5, 4, 3, 8, 10) if _diatonic_triad(s, key.mode)]
        for step in targets:
            root = (key.tonic + step - 1) % 12
            if root in roots:
                return make_chord(root, "dim7", chord.bass)
    if chord.quality == "aug":
        roots = [(chord.root + 4 * i) % 12 for i in range(3)]
        for step in ((3, 7, 0) if key.mode == "minor" else (7, 0, 4)):
            if (key.tonic + step) % 12 in roots:
                return make_chord(key.tonic + step, "aug", chord.bass)
    return chord


def numeral(chord: Chord, key: KeySignature) -> Numeral:
    """The Roman numeral of a chord in a key: G7/B in C major -> "V6/5", D7 in C -> "V7/V", Bdim in A
    minor -> "viio", Db/F in C -> "N6", Ab7 (Ab C Eb F#) over Ab in C -> "Ger65"."""
    chord = functional_root(triad_or_seventh(chord), key)
    step = (chord.root - key.tonic) % 12
    mode = "minor" if key.mode == "minor" else "major"

    def named(figure, degree=step, secondary=None):
        return Numeral(figure, chord.root, chord.quality, chord.bass, degree, secondary)

    if step == 1 and chord.quality == "maj":
        return named("N" + ("53", "6", "6/4")[min(chord.inversion, 2)])  # a bare "N" means N6 in music21
    if step == 8 and chord.quality == "7" and chord.inversion == 0:
        # a dominant seventh's shape on the flat sixth, over it: the German sixth (Ab C Eb F# in C)
        return named("Ger65")
    target = _target(chord, key)
    if target is not None:
        target_step = (target - key.tonic) % 12
        tonicized = KeySignature(0, target, "minor" if _diatonic_triad(target_step, mode) == "min" else "major")
        head = _body((chord.root - target) % 12, chord.quality, chord.inversion, tonicized.mode)
        tail = _body(target_step, _diatonic_triad(target_step, mode), 0, mode)
        return named(f"{head}/{tail}", target_step, target)
    if chord.quality in SEVENTHS and not plain_seventh(step, chord.quality, mode):
        # a chromatic seventh that RomanText's "7" would misread (Amaj7 in C minor): named as its triad
        triad = {"7": "maj", "maj7": "maj", "m7": "min", "mMaj7": "min"}[chord.quality]
        chord = make_chord(chord.root, triad, chord.bass if (chord.bass - chord.root) % 12 in (0, 3, 4, 7)
                           else chord.root)
    return named(_body(step, chord.quality, chord.inversion, mode))

