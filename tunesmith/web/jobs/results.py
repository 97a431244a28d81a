"""Results as the API shows them: a job's files by name, in "files" ({name: path}; the store turns each into a
download link of the run, tunesmith.web.store), and no path of the server (its files folder, its shipped
models) anywhere else."""

from __future__ import annotations

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
