"""Results as the API shows them: a job's files by name, in "files" ({name: path}; the store turns each into a
download link of the run, tunesmith.web.store), and no path of the server (its files folder, its shipped
models) anywhere else: not in the result, not in a file of the run (`Named`), not in a run's error."""

from __future__ import annotations

import json
import os
from pathlib import Path


def latent_result(report: dict, read: dict) -> dict:
    """A latent job's report (tunesmith.latent.jobs: a MIDI file per piece, the piano rolls side by side, the
    JSON report) with each file by name, the model by name, and the pieces it read as their library ids
    (`read`: {"piece": id} for vary, {"a": id, "b": id} for interpolate) in place of their paths."""
    files = {}

    def name(path) -> str:
        files[Path(path).name] = str(path)
        return Path(path).name

    rows = [{**row, "file": name(row["file"])} for row in report["pieces"]]
    return {**report, **read, "model": {"name": report["model"]["name"]}, "pieces": rows,
            "picture": name(report["picture"]), "report": name(report["report"]), "files": files}


class Named:
    """What a run shows in place of the server's paths: a file of the run by its path in the run's folder, a
    piece it read by its library item ("piece:12"), a shipped model by its name, a prepared corpus by its path in
    the cache, any other path (a checkpoint folder) by its last part.

    The library's reports name absolute paths (the CLI's reports document them: files written, the model, the
    input); the studio serves its own copies of them, rewritten here in the run's folder (`rewrite_reports`)."""

    def __init__(self, out_dir, inputs: dict):
        from tunesmith.data.cache import cache_root
        from tunesmith.generation.load import SHIPPED

        self.out_dir = Path(out_dir)
        self.inputs = {str(path): name for path, name in inputs.items()}
        prefixes = {str(self.out_dir): ".", str(self.out_dir) + "/": "", str(SHIPPED) + "/": "",
                    str(cache_root()) + "/": "", **self.inputs}
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[0]))  # a path inside another: whole

    def text(self, s: str) -> str:
        """A string (a path, a message naming paths) with the server's paths replaced."""
        if s in self.inputs:
            return self.inputs[s]
        if s.startswith("/") and Path(s).is_relative_to(self.out_dir):
            return Path(s).relative_to(self.out_dir).as_posix()
        if s.startswith("/") and os.path.exists(s):
            return Path(s).name
        for old, new in self.prefixes:
            s = s.replace(old, new)
        return s

    def value(self, value):
        """A JSON value with every string in it `text`ed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def rewrite_reports(self) -> None:
        """Every JSON file of the run's folder that names a path, rewritten without it (a score's metadata keeps
        the file it was read from: a source of the server too)."""
        for path in sorted(self.out_dir.rglob("*.json")):
            text = path.read_text(encoding="utf-8")
            if '"/' not in text:
                continue
            path.write_text(json.dumps(self.value(json.loads(text)), indent=1 if "\n" in text else None),
                            encoding="utf-8")
