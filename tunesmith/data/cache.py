"""The compact corpus cache: one flat note array and one JSON index per corpus (no pickled objects).

    <root>/corpora/<name>/notes.npy    every note of every track of every piece, NOTE_DTYPE
    <root>/corpora/<name>/index.json   per piece: id, collection, style, license, key, meter, split,
                                       tracks (program, name, drum flag, note count), maps, title;
                                       the pieces that failed, and the ABC tunes music21 read for abc2midi
    <root>/corpora/<name>/CARD.md      the dataset card
A folder is written under a temporary name and renamed when complete, so a killed run leaves no half cache;
the temporary it leaves is removed by the next corpus saved (tunesmith.atomic.clean_stale).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tunesmith.atomic import atomic_folder
from tunesmith.errors import TunesmithError
from tunesmith.score.model import NOTE_DTYPE, KeySignature, Metadata, Score, Tempo, TimeSignature, Track

# 2: records carry the split group; 3: ABC tunes read by abc2midi (repeats expanded, accidentals held to the
# bar line), records of the ABC tunes read by music21 instead; 4: fermatas
CACHE_VERSION = 4


def cache_root() -> Path:
    """Where prepared corpora live: $TUNESMITH_CACHE, else ~/.cache/tunesmith."""
    return Path(os.environ.get("TUNESMITH_CACHE") or Path.home() / ".cache" / "tunesmith")


def corpus_dir(name: str, root: Path | None = None) -> Path:
    return (root or cache_root()) / "corpora" / name


def piece_record(piece_id: str, score: Score, split: str, key: str, meter: str) -> dict:
    m = score.metadata
    return {
        "id": piece_id, "collection": m.collection, "style": m.style, "license": m.license, "split": split,
        "key": key, "meter": meter, "title": m.title, "composer": m.composer, "source": m.source,
        "notes": score.note_count,
        "tracks": [[t.program, t.name, t.is_drum, len(t)] for t in score.tracks],
        "tempos": [[t.tick, t.qpm] for t in score.tempos],
        "time_signatures": [[t.tick, t.numerator, t.denominator] for t in score.time_signatures],
        "key_signatures": [[k.tick, k.tonic, k.mode] for k in score.key_signatures],
        "fermatas": list(score.fermatas),
    }


def save_corpus(folder: Path, records: list[dict], scores: list[Score], failures: list[dict], info: dict, card: str,
                fallbacks: list[dict] = ()):
    """Write a corpus cache folder atomically (build in a temp folder, then rename over the old one)."""
    parts = [t.notes for s in scores for t in s.tracks]
    notes = np.concatenate(parts) if parts else np.zeros(0, NOTE_DTYPE)
    index = {"version": CACHE_VERSION, **info, "pieces": records, "failures": failures, "fallbacks": list(fallbacks)}
    with atomic_folder(folder) as tmp:
        np.save(tmp / "notes.npy", notes, allow_pickle=False)
        (tmp / "index.json").write_text(json.dumps(index))
        (tmp / "CARD.md").write_text(card)
    return Path(folder)


@dataclass
class Corpus:
    """A prepared corpus: piece records plus scores rebuilt on demand from one memory-mapped note array."""

    folder: Path
    records: list[dict]
    failures: list[dict]
    info: dict
    _notes: np.ndarray
    _offsets: np.ndarray  # start of each piece's notes in _notes

    @classmethod
    def load(cls, folder) -> Corpus:
        folder = Path(folder)
        if not (folder / "index.json").is_file():
            raise TunesmithError(f"{folder}: not prepared; run `tunesmith data prepare --corpus {folder.name}`")
        index = json.loads((folder / "index.json").read_text())
        if index.get("version") != CACHE_VERSION:
            raise TunesmithError(f"{folder}: cache version {index.get('version')}, expected {CACHE_VERSION}; "
                                 "prepare it again")
        notes = np.load(folder / "notes.npy", mmap_mode="r", allow_pickle=False)
        counts = [r["notes"] for r in index["pieces"]]
        offsets = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
        return cls(folder, index["pieces"], index["failures"],
                   {k: v for k, v in index.items() if k not in ("pieces", "failures", "fallbacks")}, notes, offsets)

    @property
    def name(self) -> str:
        return self.folder.name

    def __len__(self) -> int:
        return len(self.records)

    def score(self, i: int) -> Score:
        r = self.records[i]
        at = int(self._offsets[i])
        tracks = []
        for program, name, drum, n in r["tracks"]:
            tracks.append(Track(np.array(self._notes[at:at + n]), program=program, name=name, is_drum=drum))
            at += n
        return Score(
            tracks=tuple(tracks),
            tempos=tuple(Tempo(a, b) for a, b in r["tempos"]),
            time_signatures=tuple(TimeSignature(*x) for x in r["time_signatures"]),
            key_signatures=tuple(KeySignature(a, b, c) for a, b, c in r["key_signatures"]),
            metadata=Metadata(title=r["title"], composer=r["composer"], collection=r["collection"],
                              style=r["style"], license=r["license"], source=r["id"]),
            fermatas=tuple(r["fermatas"]),
        )

    def indices(self, split: str | None = None) -> list[int]:
        return [i for i, r in enumerate(self.records) if split is None or r["split"] == split]

    def scores(self, split: str | None = None):
        for i in self.indices(split):
            yield self.records[i]["id"], self.score(i)
