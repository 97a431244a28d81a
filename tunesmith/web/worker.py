"""A job worker process: receives runs over a pipe, calls each job's library function, sends back its events
(progress, streamed notes) and its result. The runner forks workers from a forkserver that has imported
torch and the generation code once, so a new worker (after a cancel or a timeout killed one) is ready in
milliseconds; models load once per worker and stay loaded (tunesmith.web.jobs.params.loaded).

Messages: in, (run_id, job name, params, input paths, output folder) or None to stop; out, ("event", dict),
then ("done", result) or ("error", message).
"""

from __future__ import annotations

import json
import logging
import signal
from pathlib import Path

# what the forkserver imports before it forks workers (heavy: torch, numba, music21 via tunesmith.io)
PRELOAD = ["torch", "tunesmith.generation.job", "tunesmith.generation.compose", "tunesmith.evaluation.compare",
           "tunesmith.render", "tunesmith.io", "tunesmith.web.jobs.compose"]

log = logging.getLogger(__name__)


def main(conn, parse_seconds: float, parse_memory: int) -> None:
    """The worker's loop; returns when the pipe closes or None arrives."""
    from tunesmith.errors import TunesmithError
    from tunesmith.io import limits
    from tunesmith.io.limits import one_line
    from tunesmith.web.jobs import get
    from tunesmith.web.jobs.results import Named

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; it stops the workers
    limits.SECONDS, limits.MEMORY_BYTES = parse_seconds, parse_memory
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        run_id, name, params, inputs, out_dir = msg
        # the pieces it reads by their library items, in what the run shows (tunesmith.web.jobs.results)
        named = Named(out_dir, {p: f"piece:{i}" for p, i in zip(inputs, params.get("pieces", []))})
        try:
            spec = get(name)
            result = spec.run(params, [Path(p) for p in inputs], Path(out_dir),
                              lambda event: conn.send(("event", event)))
            if spec.makes_pieces:
                result["pieces"] = [finish_piece(r) for r in result["pieces"]]
            else:  # shown as it is; its "files" (paths) become the run's download links in the store
                result = {k: v if k == "files" else named.value(v) for k, v in result.items()}
            if Path(out_dir).is_dir():
                named.rewrite_reports()
            conn.send(("done", result))
        except TunesmithError as e:
            conn.send(("error", named.text(str(e))))
        except Exception as e:  # a bug: the run fails with its type and message, the worker goes on
            log.exception("run %s (%s) failed", run_id, name)
            conn.send(("error", named.text(f"internal error: {one_line(e)}")))


def finish_piece(report: dict) -> dict:
    """A job's piece report made ready for the library: its score saved as tunesmith JSON beside its files
    (what later jobs read, and the studio draws), its content vector for recommendations, and the report
    without the score (the run's result stays small)."""
    from tunesmith.io.json import from_dict
    from tunesmith.recommend.features import vector

    score_dict = report.pop("score")
    stem = Path(report["files"]["json"])
    path = stem.with_name(stem.stem + ".score.json")
    path.write_text(json.dumps(score_dict))
    report["files"]["score"] = str(path)
    report["features"] = [round(float(x), 6) for x in vector(from_dict(score_dict))]
    return report
