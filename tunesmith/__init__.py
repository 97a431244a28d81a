"""tunesmith: AI-assisted composition on symbolic music.

Importing the package is cheap: torch, music21 and matplotlib load only inside the functions that use them.
"""

from tunesmith.errors import ConfigError, ScoreError, TunesmithError
from tunesmith.io import read, write
from tunesmith.score import (
    TPQ,
    KeySignature,
    Metadata,
    Score,
    Tempo,
    TimeSignature,
    Track,
    merge_tracks,
    note_array,
    quantize,
    skyline,
    slice_bars,
    split_tracks,
    transpose,
)

__version__ = "0.1.0"

__all__ = [
    "TPQ", "ConfigError", "KeySignature", "Metadata", "Score", "ScoreError", "Tempo", "TimeSignature", "Track",
    "TunesmithError", "merge_tracks", "note_array", "quantize", "read", "skyline", "slice_bars",
    "split_tracks", "transpose", "write",
]
