"""A JSON form of the score: readable, diffable, exact (ticks, not seconds)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tunesmith.errors import ScoreError
from tunesmith.score.model import TPQ, KeySignature, Metadata, Score, Tempo, TimeSignature, Track, note_array

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
    try:
        if not isinstance(d, dict) or d.get("format") != "tunesmith-score":
            raise ScoreError("not a tunesmith score JSON (missing format: tunesmith-score)")
        if d.get("tpq") != TPQ:
            raise ScoreError(f"resolution {d.get('tpq')} ticks per quarter; this version reads {TPQ}")
        return Score(
            tracks=tuple(
                Track(note_array(t["notes"]), program=t["program"], name=t["name"], is_drum=t["is_drum"])
                for t in d["tracks"]
            ),
            tempos=tuple(Tempo(int(a), float(b)) for a, b in d["tempos"]),
            time_signatures=tuple(TimeSignature(*map(int, x)) for x in d["time_signatures"]),
            key_signatures=tuple(KeySignature(int(a), int(b), str(c)) for a, b, c in d["key_signatures"]),
            metadata=Metadata(**d["metadata"]),
        ).validate()
    except (KeyError, IndexError, TypeError, ValueError, OverflowError) as e:  # Overflow: too big a number
        raise ScoreError(f"malformed score JSON ({type(e).__name__}: {e})") from None


def read_json(path) -> Score:
    try:
        d = json.loads(Path(path).read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ScoreError(f"{path}: not valid JSON ({e})") from None
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
