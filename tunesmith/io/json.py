"""A JSON form of the score: readable, diffable, exact (ticks, not seconds)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tunesmith.errors import ScoreError
from tunesmith.io import limits
from tunesmith.io.limits import one_line, read_capped
from tunesmith.score.model import (
    MAX_NOTES,
    TPQ,
    ChordSymbol,
    KeySignature,
    Metadata,
    Score,
    Tempo,
    TimeSignature,
    Track,
    note_array,
)

FORMAT_VERSION = 1


def to_dict(score: Score) -> dict:
    return {
        "format": "tunesmith-score",
        "version": FORMAT_VERSION,
        "tpq": TPQ,
        "metadata": vars(score.metadata),
        "tempos": [[t.tick, t.qpm] for t in score.tempos],
        "time_signatures": [[t.tick, t.numerator, t.denominator] for t in score.time_signatures],
        "key_signatures": [[k.tick, k.tonic, k.mode] for k in score.key_signatures],
        "fermatas": list(score.fermatas),
        "chords": [[c.tick, c.root, c.quality] for c in score.chords],
        "tracks": [
            {
                "program": t.program,
                "name": t.name,
                "is_drum": t.is_drum,
                # (pitch, start, duration, velocity), the tuple order of note_array
                "notes": [[int(n["pitch"]), int(n["start"]), int(n["duration"]), int(n["velocity"])]
                          for n in t.notes],
            }
            for t in score.tracks
        ],
    }


def from_dict(d: dict) -> Score:
    """The score of a dict from `to_dict`; ScoreError for anything else, checked before any array is built."""
    try:
        if not isinstance(d, dict) or d.get("format") != "tunesmith-score":
            raise ScoreError("not a tunesmith score JSON (missing format: tunesmith-score)")
        if d.get("tpq") != TPQ:
            raise ScoreError(f"resolution {d.get('tpq')} ticks per quarter; this version reads {TPQ}")
        tracks = _typed(d["tracks"], list, "tracks")
        if len(tracks) > limits.MAX_TRACKS:
            raise ScoreError(f"more than {limits.MAX_TRACKS} tracks")
        if sum(len(_typed(t["notes"], list, "notes")) for t in tracks) > MAX_NOTES:
            raise ScoreError(f"more than the {MAX_NOTES} notes a score may hold")
        return Score(
            tracks=tuple(
                Track(note_array(t["notes"]), program=int(t["program"]), name=_typed(t["name"], str, "name"),
                      is_drum=_typed(t["is_drum"], bool, "is_drum"))
                for t in tracks
            ),
            tempos=tuple(Tempo(int(a), float(b)) for a, b in d["tempos"]),
            time_signatures=tuple(TimeSignature(*map(int, x)) for x in d["time_signatures"]),
            key_signatures=tuple(KeySignature(int(a), int(b), str(c)) for a, b, c in d["key_signatures"]),
            metadata=Metadata(**{k: _typed(v, str, k) for k, v in _typed(d["metadata"], dict, "metadata").items()}),
            fermatas=tuple(int(t) for t in _fermatas(d.get("fermatas", []))),  # absent before fermatas were kept
            chords=tuple(ChordSymbol(int(a), int(b), _typed(c, str, "chord quality"))
                         for a, b, c in _fermatas(d.get("chords", []))),  # absent before chord symbols
        ).validate()
    except (KeyError, IndexError, TypeError, ValueError, OverflowError) as e:  # Overflow: too big a number
        raise ScoreError(f"malformed score JSON ({one_line(e)})") from None


def _fermatas(ticks) -> list:
    if len(_typed(ticks, list, "fermatas")) > MAX_NOTES:
        raise ScoreError(f"more than {MAX_NOTES} fermatas")
    return ticks


def _typed(value, kind: type, what: str):
    if not isinstance(value, kind):
        raise ScoreError(f"malformed score JSON ({what} is a {type(value).__name__}, not a {kind.__name__})")
    return value


def read_json(path) -> Score:
    text = read_capped(path, limits.MAX_TEXT_BYTES)
    try:
        d = json.loads(text)
    except ValueError as e:  # JSONDecodeError, bad UTF-8, or an integer of more digits than Python converts
        raise ScoreError(f"{path}: not valid JSON ({one_line(e)})") from None
    except RecursionError:
        raise ScoreError(f"{path}: JSON nested too deeply to be a score") from None
    try:
        return from_dict(d)
    except ScoreError as e:
        raise ScoreError(f"{path}: {e}") from None


def write_json(score: Score, path) -> None:
    path = Path(path)
    text = json.dumps(to_dict(score.validate()))  # never write a file that read_json would refuse
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
