"""The lead-sheet grid: a melody and its chord, one cell each per grid step, for the accompaniment model.

    [BOS, Style, Key, Meter, Tempo, m0 c0, m1 c1, ..., EOS]

The melody cell is a voice-grid token (Pitch_p, Hold, Rest: `voicegrid` with one voice); the chord cell is
`Chord_<root>_<family>` where a chord begins, Hold while it lasts, Rest where there is none (N.C.). Chords are
read in four families, enough for the accompaniment of a tune and what the Nottingham tunes hold (67% major
triads, 17% minor, 11% dominant sevenths, the rest under 1% together): every quality of
tunesmith.theory.chords maps to the family it sounds like (`family`).

The vocabulary is the voice grid's, then the 48 chord tokens, then Mask (a source's masked cell).
"""

from __future__ import annotations

import numpy as np

from tunesmith.theory.pitch import PITCH_CLASS_NAMES

FAMILIES = ("maj", "min", "7", "dim")
_FAMILY = {"maj": "maj", "6": "maj", "maj7": "maj", "maj9": "maj", "sus4": "maj", "sus2": "maj", "5": "maj",
           "aug": "maj", "min": "min", "m6": "min", "m7": "min", "m9": "min", "mMaj7": "min", "7": "7", "9": "7",
           "dim": "dim", "m7b5": "dim", "dim7": "dim"}
CHORD_TOKENS = tuple(f"Chord_{PITCH_CLASS_NAMES[r]}_{f}" for f in FAMILIES for r in range(12))
TONES = {"maj": (0, 4, 7), "min": (0, 3, 7), "7": (0, 4, 7, 10), "dim": (0, 3, 6)}
MASK = "Mask"


def family(quality: str) -> str:
    """The family ("maj", "min", "7", "dim") a chord quality of tunesmith.theory.chords sounds like."""
    return _FAMILY[quality]


def vocabulary(tokenizer) -> list[str]:
    """The lead-sheet vocabulary over a one-voice voice-grid tokenizer's: its tokens, the chords, Mask."""
    return [*tokenizer.vocab.names, *CHORD_TOKENS, MASK]


def chord_id(tokenizer, root: int, fam: str) -> int:
    return len(tokenizer.vocab) + FAMILIES.index(fam) * 12 + root % 12


def chord_of_id(tokenizer, i: int) -> tuple[int, str] | None:
    """(root, family) of a chord token id, None for any other token."""
    k = int(i) - len(tokenizer.vocab)
    return (k % 12, FAMILIES[k // 12]) if 0 <= k < len(CHORD_TOKENS) else None


def melody_cells(tokenizer, pitches: np.ndarray) -> np.ndarray:
    """Voice-grid tokens of a melody given as one pitch per step (-1 a rest); equal pitches in a row are one
    held note (a piano roll cannot tell a repeated note from a held one)."""
    pitches = np.asarray(pitches, np.int64)
    out = np.full(len(pitches), tokenizer.rest_id, np.int64)
    sounding = pitches >= 0
    same = np.r_[False, (pitches[1:] == pitches[:-1]) & sounding[1:]]
    out[sounding & same] = tokenizer.hold_id
    first = sounding & ~same
    out[first] = tokenizer.first_pitch_id + pitches[first] - tokenizer.pitch_range[0]
    return out


def chord_cells(tokenizer, labels) -> np.ndarray:
    """Chord-cell tokens of one label per step ((root, family) or None for no chord): a token where the label
    changes, Hold while it stays."""
    out = np.full(len(labels), tokenizer.rest_id, np.int64)
    previous = None
    for s, label in enumerate(labels):
        if label is not None:
            out[s] = tokenizer.hold_id if label == previous else chord_id(tokenizer, *label)
        previous = label
    return out


def chords_of_cells(tokenizer, cells) -> list[tuple[int, int, str] | None]:
    """(start step, root, family) of each chord of a chord-cell column, in order; Rest ends a chord."""
    out = []
    for s, t in enumerate(np.asarray(cells).tolist()):
        c = chord_of_id(tokenizer, t)
        if c is not None:
            out.append((s, *c))
        elif t == tokenizer.rest_id and out and out[-1] is not None:
            out.append(None)
    return [c for c in out if c is not None]


def labels_per_step(tokenizer, cells) -> list[tuple[int, str] | None]:
    """The chord sounding at each step of a chord-cell column ((root, family) or None)."""
    out, current = [], None
    for t in np.asarray(cells).tolist():
        c = chord_of_id(tokenizer, t)
        if c is not None:
            current = c
        elif t != tokenizer.hold_id:
            current = None
        out.append(current)
    return out
