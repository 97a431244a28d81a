"""Read and write scores; `read(path)` / `write(score, path)` dispatch on the file suffix."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from tunesmith.errors import ScoreError
from tunesmith.io.abc import read_abc
from tunesmith.io.json import read_json, write_json
from tunesmith.io.limits import one_line
from tunesmith.io.midi import read_midi, write_midi
from tunesmith.io.music21 import read_musicxml, write_musicxml
from tunesmith.score.model import Score

log = logging.getLogger(__name__)

READERS = {
    ".mid": read_midi,
    ".midi": read_midi,
    ".musicxml": read_musicxml,
    ".xml": read_musicxml,
    ".mxl": read_musicxml,
    ".abc": read_abc,
    ".json": read_json,
}
WRITERS = {
    ".mid": write_midi,
    ".midi": write_midi,
    ".musicxml": write_musicxml,
    ".xml": write_musicxml,
    ".json": write_json,
}


def _lookup(table: dict, path: Path, verb: str):
    fn = table.get(path.suffix.lower())
    if fn is None:
        supported = ", ".join(sorted(table))
        raise ScoreError(f"cannot {verb} {path.name!r}: unknown suffix; supported: {supported}")
    return fn


def read(path) -> Score:
    """Read a score from MIDI, MusicXML, ABC or tunesmith JSON. Bad, hostile or absurd input raises ScoreError
    (the bounds on size, time and memory are in `tunesmith.io.limits`)."""
    path = Path(path)
    if not path.is_file():
        raise ScoreError(f"{path}: no such file")
    reader = _lookup(READERS, path, "read")
    try:
        return reader(path)
    except ScoreError:
        raise
    except OSError as e:  # e.g. permission denied: as bad as a corrupt file for read_many
        raise ScoreError(f"{path}: cannot read ({e.strerror or e})") from None
    except Exception as e:
        # The safety net. Each reader turns what its parser raises on bad input into ScoreError where it knows
        # why; an exception that gets here is a reader's bug, found by a file. The caller still gets the one
        # documented error (a batch goes on, a server answers "bad file", not a crash); the log says so, with the
        # traceback at debug level (not on a user's terminal). The error is chained (`from e`; the readers' own
        # are not), so that the fuzz tests can tell a bug caught here from a handled error.
        log.error("%s: unexpected %s while reading: a bug in its reader", path, type(e).__name__)
        log.debug("traceback", exc_info=True)
        raise ScoreError(f"{path}: unreadable ({one_line(e)})") from e


def write(score: Score, path) -> Path:
    """Write a score; the format follows the suffix. Writes go to a temporary name, then rename."""
    path = Path(path)
    _lookup(WRITERS, path, "write")(score, path)
    return path


class Failure(NamedTuple):
    path: Path
    reason: str


def read_many(paths: Iterable, failures: list[Failure] | None = None) -> Iterator[tuple[Path, Score]]:
    """Read many files; a bad one is skipped, logged and appended to `failures`, never fatal."""
    for p in paths:
        try:
            yield Path(p), read(p)
        except ScoreError as e:
            log.warning("skipped %s", e)
            if failures is not None:
                failures.append(Failure(Path(p), str(e)))


def find_scores(folder, suffixes=tuple(READERS)) -> list[Path]:
    """Every readable-looking file under `folder`, recursively, sorted."""
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() in suffixes)


__all__ = [
    "READERS", "WRITERS", "Failure", "find_scores", "read", "read_abc", "read_json", "read_many", "read_midi",
    "read_musicxml", "write", "write_json", "write_midi", "write_musicxml",
]
