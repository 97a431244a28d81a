"""The main job: compose pieces with a model and write, per piece, .mid .wav .png .musicxml .svg and a .json
report (settings, seed, model, timings, analysis figures, originality against the model's training data,
and the score itself)."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from pathlib import Path

from tunesmith.generation.compose import Request, compose
from tunesmith.score.model import Score

log = logging.getLogger(__name__)
FILES = ("mid", "wav", "png", "musicxml", "svg")


def analysis(score: Score) -> dict:
    """A few figures a musician checks first: key, notes, range, in-key rate, length. The in-key rate is that of
    `tunesmith evaluate` (tunesmith.evaluation.metrics.in_key_rate) to 4 decimals: notes of the estimated key
    by `tunesmith.theory.scales.in_key`."""
    from tunesmith.theory.keys import estimate_key
    from tunesmith.theory.scales import in_key

    notes = score.all_notes()
    key = estimate_key(score)
    rate = None
    if key is not None and len(notes):
        rate = round(float(in_key(notes["pitch"], key).mean()), 4)
    return {
        "estimated_key": key.name if key is not None else None,
        "notated_key": score.key_signatures[0].name if score.key_signatures else None,
        "meter": f"{score.time_signatures[0].numerator}/{score.time_signatures[0].denominator}",
        "tempo_qpm": score.tempos[0].qpm,
        "notes": int(len(notes)),
        "tracks": len(score.tracks),
        "pitch_range": [int(notes["pitch"].min()), int(notes["pitch"].max())] if len(notes) else None,
        "in_key_rate": rate,
        "bars": int(len(score.bar_starts())),
        "seconds": round(score.duration_seconds, 3),
    }


def originality_index(loaded):
    """The originality index of the model's training data, or None (logged in one line): a missing index
    never stops a compose.

    Originality is evaluation, a layer above generation: it is imported here, lazily, because the report
    of every composed piece carries it, and this job is where reports are written."""
    from tunesmith.errors import TunesmithError
    from tunesmith.evaluation.corpus_index import model_index

    t0 = time.perf_counter()
    try:
        index = model_index(loaded.path, loaded.config)
    except TunesmithError as e:
        log.warning("originality not checked: %s", e)
        return None
    log.info("originality index %s (%d pieces) in %.3f s", index.source, len(index), time.perf_counter() - t0)
    return index


def write_report(path: Path, report: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(report, indent=2))
    os.replace(tmp, path)


def compose_files(loaded, request: Request, out_dir, n: int = 1, formats=FILES, skip_missing: bool = False,
                  on_piece=None) -> list[dict]:
    """Compose `n` pieces (seeds request.seed, +1, ...) with `loaded` (a tunesmith.models.checkpoint.Loaded)
    and write their files into `out_dir`; returns each piece's report. `on_piece(report)` is called as each
    piece is done (for progress)."""
    from tunesmith.evaluation.corpus_index import check
    from tunesmith.io.json import to_dict
    from tunesmith.render import render_all

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    index = originality_index(loaded)  # once per call: loading a shipped index takes milliseconds
    reports = []
    for i in range(n):
        req = loaded.request(dataclasses.replace(request, seed=request.seed + i))
        t0 = time.perf_counter()
        score, ids = compose(loaded.model, loaded.tokenizer, req, loaded.default_programs)
        t1 = time.perf_counter()
        stem = f"{loaded.name}-{req.seed}"
        files = render_all(score, out_dir, stem, formats, skip_missing=skip_missing)
        t2 = time.perf_counter()
        original = check(score, index) if index is not None else None
        t3 = time.perf_counter()
        report = {
            "model": {"name": loaded.name, "path": str(loaded.path)},
            "seed": req.seed,
            "settings": dataclasses.asdict(req),
            "conditioning": [loaded.tokenizer.vocab.name(t) for t in ids[1:5]],
            "timings_s": {"load": round(loaded.load_seconds, 3), "compose": round(t1 - t0, 3),
                          "render": round(t2 - t1, 3), "originality": round(t3 - t2, 3), "tokens": len(ids),
                          "tokens_per_s": round(len(ids) / max(t1 - t0, 1e-9), 1)},
            "analysis": analysis(score),
            "originality": original,
            "files": {k: str(v) for k, v in files.items()},
            "score": to_dict(score),
        }
        path = out_dir / f"{stem}.json"
        write_report(path, report)
        report["files"]["json"] = str(path)
        reports.append(report)
        if on_piece:
            on_piece(report)
    return reports
