"""The main job: compose pieces with a model and write, per piece, .mid .wav .png .musicxml .svg and a .json
report (settings, seed, model, timings, analysis figures, originality against the model's training data,
and the score itself); and its sibling, continuing a primer file.

A job checks every setting before it loads a model or writes anything, and a piece's files appear together,
its .json last (`write_piece`): a folder never holds half a piece."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from pathlib import Path

from tunesmith.errors import ConfigError
from tunesmith.generation.compose import Request, compose
from tunesmith.generation.request import SEEDS
from tunesmith.score.model import Score

log = logging.getLogger(__name__)
FILES = ("mid", "wav", "png", "musicxml", "svg")
MAX_PIECES = 1000  # in one call


def settings(request) -> dict:
    """A request as its report shows it: every setting, the model's key prior named, not listed."""
    out = dataclasses.asdict(request)
    if out.get("key_prior"):
        out["key_prior"] = "the keys of the model's training pieces (config.json \"compose\".\"keys\")"
    return out


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


def check_job(request: Request, out_dir, formats=FILES, n: int = 1) -> tuple[Path, tuple[str, ...]]:
    """(output folder, formats) if a job could write them, else a ConfigError: what can be checked before a
    model is loaded. `request` checked itself when it was made; here its seeds for `n` pieces, the formats
    and the folder (which need not exist yet). Creates nothing."""
    from tunesmith.atomic import check_writable

    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_PIECES:
        raise ConfigError(f"the number of pieces must be in 1..{MAX_PIECES}, got {n!r}")
    if request.seed + n - 1 > SEEDS[1]:
        raise ConfigError(f"seeds {request.seed}..{request.seed + n - 1} run past {SEEDS[1]}, the largest seed")
    formats = (formats,) if isinstance(formats, str) else tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FILES]
    if unknown:
        raise ConfigError(f"unknown format(s) {', '.join(map(repr, unknown))}; valid: {', '.join(FILES)} "
                          "(the .json report is always written)")
    return check_writable(out_dir), formats


def _model(model):
    """A Loaded model as it is, or a model reference (a shipped name or a checkpoint folder) loaded."""
    from tunesmith.generation.load import load

    return load(str(model)) if isinstance(model, str | os.PathLike) else model


def _composer(model):
    """`_model`, refusing a conditional model (it writes given music: harmonize, infill, accompany, restyle)."""
    loaded = _model(model)
    kind = getattr(loaded.model, "data_kind", "sequence")
    if kind != "sequence":
        what = {"conditional": "writes music given other music (tunesmith harmonize, infill, accompany, restyle)",
                "excerpts": "writes excerpts of a few bars (a VAE: tunesmith interpolate, vary, sample)"}
        raise ConfigError(f"{loaded.name} {what.get(kind, f'is a model of {kind}')}; composing needs a model of its "
                          "own (chorales, folk)")
    return loaded


def _make_folder(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:  # what check_writable cannot see: a read-only disk, a root-owned folder as root
        raise ConfigError(f"cannot write into {out_dir}: {e.strerror or e}") from None


def write_piece(score: Score, out_dir: Path, stem: str, formats, report: dict, skip_missing: bool = False) -> dict:
    """Render `score` as `out_dir/stem.<format>` with its report `stem.json`, all files at once; returns the
    report with "files" filled in (and the render time in "timings_s").

    The files appear together: they are written into a temporary folder inside `out_dir` and moved out
    with `stem.json` last (tunesmith.atomic.atomic_files). So when a piece's .json is there, every file it
    lists is there; a kill or an error before that leaves no file of the piece, and the temporary is removed
    by the next piece written into the folder."""
    from tunesmith.atomic import atomic_files
    from tunesmith.render import render_all
    from tunesmith.render.notation import page_path

    t0 = time.perf_counter()
    with atomic_files(out_dir, stem, last=f"{stem}.json") as tmp:
        written = render_all(score, tmp, stem, formats, skip_missing=skip_missing)
        pages = sum(1 for p in tmp.glob(f"{stem}*.svg"))
        report = {**report, "files": {k: str(out_dir / v.name) for k, v in written.items()}}
        report.setdefault("timings_s", {})["render"] = round(time.perf_counter() - t0, 3)
        (tmp / f"{stem}.json").write_text(json.dumps(report, indent=2))
    if "svg" in written:  # pages of an earlier, longer piece of this name would pass for this one's
        stale = pages + 1
        while page_path(out_dir / f"{stem}.svg", stale).is_file():
            page_path(out_dir / f"{stem}.svg", stale).unlink()
            stale += 1
    report["files"]["json"] = str(out_dir / f"{stem}.json")
    return report


def compose_files(model, request: Request, out_dir, n: int = 1, formats=FILES, skip_missing: bool = False,
                  on_piece=None) -> list[dict]:
    """Compose `n` pieces (seeds request.seed, +1, ...) and write their files into `out_dir` (`write_piece`);
    returns each piece's report. `model` is a tunesmith.generation.load.Loaded, or what `load` takes (a
    shipped name, a checkpoint folder), loaded only once every setting has been checked. `on_piece(report)`
    is called as each piece is done (for progress)."""
    from tunesmith.evaluation.corpus_index import check
    from tunesmith.io.json import to_dict

    out_dir, formats = check_job(request, out_dir, formats, n)
    loaded = _composer(model)
    loaded.request(request).check_for(loaded.tokenizer)  # the model can write it: before any piece
    _make_folder(out_dir)
    index = originality_index(loaded)  # once per call: loading a shipped index takes milliseconds
    reports = []
    for i in range(n):
        req = loaded.request(dataclasses.replace(request, seed=request.seed + i))
        t0 = time.perf_counter()
        score, ids = compose(loaded.model, loaded.tokenizer, req, loaded.default_programs)
        t1 = time.perf_counter()
        original = check(score, index) if index is not None else None
        t2 = time.perf_counter()
        report = {
            "model": {"name": loaded.name, "path": str(loaded.path)},
            "seed": req.seed,
            "settings": settings(req),
            "conditioning": [loaded.tokenizer.vocab.name(t) for t in ids[1:5]],
            "timings_s": {"load": round(loaded.load_seconds, 3), "compose": round(t1 - t0, 3),
                          "originality": round(t2 - t1, 3), "tokens": len(ids),
                          "tokens_per_s": round(len(ids) / max(t1 - t0, 1e-9), 1)},
            "analysis": analysis(score),
            "originality": original,
            "files": {},  # filled in by write_piece: here, so that it comes before the score
            "score": to_dict(score),
        }
        report = write_piece(score, out_dir, f"{loaded.name}-{req.seed}", formats, report, skip_missing)
        reports.append(report)
        if on_piece:
            on_piece(report)
    return reports


def model_for(primer: Score) -> str:
    """The shipped model that fits a primer: the folk model for one voice (a tune), the chorale model for
    several, so that a continuation keeps its primer's texture."""
    from tunesmith.generation.load import DEFAULT, SHIPPED

    voices = sum(1 for t in primer.tracks if len(t) and not t.is_drum)
    name = "folk" if voices == 1 else DEFAULT
    return name if (SHIPPED / name / "config.json").is_file() else DEFAULT


def continue_files(model, primer, request: Request, out_dir, formats=FILES) -> dict:
    """Continue the score file `primer` by `request.bars` bars and write `<primer stem>-continued-<seed>.*`
    into `out_dir` as `write_piece` does; returns the report (which also counts the primer's bars). `model`
    as for `compose_files`; "default" picks the shipped model that fits the primer (`model_for`)."""
    from tunesmith.generation.compose import continue_score
    from tunesmith.io import read
    from tunesmith.io.json import to_dict

    out_dir, formats = check_job(request, out_dir, formats)
    score = read(primer)
    loaded = _composer(model_for(score) if model == "default" else model)
    req = loaded.request(request).check_for(loaded.tokenizer)
    _make_folder(out_dir)
    t0 = time.perf_counter()
    result = continue_score(loaded.model, loaded.tokenizer, score, req, loaded.default_programs)
    report = {
        "model": {"name": loaded.name, "path": str(loaded.path)},
        "primer": {"path": str(primer), "bars": len(score.bar_starts()), "notes": score.note_count},
        "seed": req.seed,
        "settings": settings(req),
        "timings_s": {"load": round(loaded.load_seconds, 3), "compose": round(time.perf_counter() - t0, 3)},
        "analysis": analysis(result),
        "files": {},
        "score": to_dict(result),
    }
    return write_piece(result, out_dir, f"{Path(primer).stem}-continued-{req.seed}", formats, report)
