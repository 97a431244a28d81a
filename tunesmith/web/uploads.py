"""A user's upload becomes a library piece: the bytes bounded in size, the file read by tunesmith.io.read in
a forked child under the time and memory limits of tunesmith.io.limits (so a hostile file costs the server a
child process, never itself), then kept as the original and as tunesmith JSON with its analysis and content
vector."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from pathlib import Path

from tunesmith.errors import ScoreError

SUFFIXES = (".mid", ".midi", ".musicxml", ".xml", ".mxl", ".abc")


def check_name(filename: str | None) -> tuple[str, str]:
    """(title, suffix) of an uploaded file's name; ScoreError for a kind tunesmith does not read."""
    name = Path(filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ScoreError(f"cannot read {name or 'a file without a name'!r}: upload MIDI, MusicXML or ABC "
                         f"({', '.join(SUFFIXES)})")
    title = re.sub(r"[\s_]+", " ", Path(name).stem).strip()[:200] or "Untitled"
    return title, suffix


def read_upload(data: bytes, suffix: str, folder: Path) -> tuple[dict, dict]:
    """Save the upload into `folder` and read it under limits: ({kind: path}, report) for the library."""
    from tunesmith.generation.job import analysis
    from tunesmith.io import read
    from tunesmith.io.json import to_dict
    from tunesmith.io.limits import run_limited
    from tunesmith.recommend.features import vector

    folder.mkdir(parents=True, exist_ok=True)
    original = folder / f"original{suffix}"
    original.write_bytes(data)
    try:
        score = run_limited(read, original)  # the whole read in a limited child, MIDI and ABC included
        if score.note_count == 0:
            raise ScoreError("the file holds no notes")
        report = {"analysis": analysis(score), "features": [round(float(x), 6) for x in vector(score)]}
    except ScoreError:
        original.unlink(missing_ok=True)
        folder.rmdir()
        raise
    # the score says it came from the upload (its name), not where the server keeps it: its file is downloadable
    score = score.replace(metadata=dataclasses.replace(score.metadata, source=original.name))
    path = folder / "score.json"
    path.write_text(json.dumps(to_dict(score)))
    return {"original": original, "score": path}, report


def upload_folder(files_root: Path, user_id: int) -> Path:
    return files_root / f"u{user_id}" / f"upload-{uuid.uuid4().hex}"
