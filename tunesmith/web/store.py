"""Where runs' states and results meet the library: the runner's callbacks write a run's status and, when a
job makes pieces, add them to the user's library with their files; download links replace server paths."""

from __future__ import annotations

from pathlib import Path

from tunesmith.library import pieces as library
from tunesmith.library import runs


class Store:
    def __init__(self, studio):
        self.studio = studio

    @property
    def db(self):
        return self.studio.db

    def run_status(self, run, **fields) -> None:
        with self.db.session.begin() as s:
            runs.set_run(s, run.id, **fields)

    def cancels_among(self, ids) -> set[str]:
        with self.db.session() as s:
            return runs.cancels_among(s, ids)

    def run_finished(self, run, status: str, result: dict | None, error: str | None) -> dict | None:
        """Store a finished run; returns its result as the API shows it."""
        from tunesmith.web.jobs import get

        spec = get(run.job)
        with self.db.session.begin() as s:
            if status == "done" and spec.makes_pieces:
                made = []
                for report in result["pieces"]:
                    features = report.pop("features", None)
                    piece = library.add_piece(s, run.user_id, spec.title_of(report, run.input_titles), spec.name,
                                              report["files"], self.studio.settings.files, report, features)
                    made.append(library.describe(piece))
                result = {"pieces": made}
            elif status == "done" and "files" in result:
                result = {**result, "files": {name: f"/api/runs/{run.id}/files/{name}" for name in result["files"]}}
            runs.set_run(s, run.id, status=status, result=result, error=error,
                         **({"done": run_total(s, run.id)} if status == "done" else {}))
        return result

    def run_folder(self, user_id: int, run_id: str) -> Path:
        return self.studio.settings.files / f"u{user_id}" / run_id


def run_total(session, run_id: str) -> int:
    from tunesmith.library.schema import Run

    return session.get(Run, run_id).total
