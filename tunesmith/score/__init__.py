"""The score model and its pure transforms."""

from tunesmith.score.model import (
    MAX_NOTES,
    NOTE_DTYPE,
    TPQ,
    ChordSymbol,
    KeySignature,
    Metadata,
    Score,
    Tempo,
    TimeSignature,
    Track,
    note_array,
    sort_notes,
)
from tunesmith.score.transforms import (
    Transposed,
    append,
    fragment,
    invert,
    merge_tracks,
    quantize,
    retrograde,
    scale_time,
    skyline,
    slice_bars,
    split_tracks,
    transpose,
)

__all__ = [
    "MAX_NOTES", "NOTE_DTYPE", "TPQ", "ChordSymbol", "KeySignature", "Metadata", "Score", "Tempo", "TimeSignature",
    "Track", "Transposed", "append", "fragment", "invert", "merge_tracks", "note_array", "quantize", "retrograde",
    "scale_time", "skyline", "slice_bars", "sort_notes", "split_tracks", "transpose",
]
