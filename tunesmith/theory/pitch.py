"""Pitch and pitch-class names."""

from tunesmith.score.model import PITCH_CLASS_NAMES  # defined with the score model, which names keys


def pitch_class_name(pc: int) -> str:
    """Pitch class to name, sharps for C# and F#, flats otherwise: 10 -> 'Bb'."""
    return PITCH_CLASS_NAMES[pc % 12]


def pitch_name(pitch: int) -> str:
    """MIDI pitch to scientific name: 60 -> 'C4'."""
    return f"{pitch_class_name(pitch)}{pitch // 12 - 1}"


def parse_pitch_class(name: str) -> int:
    """'C', 'c#', 'Db', 'B-' (music21 flat) -> pitch class."""
    base = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
    s = name.strip()
    if not s or s[0].lower() not in base:
        raise ValueError(f"not a pitch class: {name!r}")
    pc = base[s[0].lower()]
    for ch in s[1:]:
        pc += {"#": 1, "b": -1, "-": -1, "s": 1}.get(ch, 0)
    return pc % 12
