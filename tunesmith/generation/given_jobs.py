"""The jobs that start from given music: harmonize a melody, infill bars of a piece, accompany a tune, restyle. Each
reads its file, checks every setting before it loads a model or writes anything, runs, and writes the piece's
files with its JSON report as `compose` does (`job.write_piece`: all files appear together, the .json last),
so a bad input leaves nothing behind.

Warnings (a melody moved by octaves, chords in a melody, a melody put on the grid) are logged and listed in
the report's "warnings"; the CLI prints them.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.generation.job import FILES, _make_folder, _model, analysis, check_job, settings, write_piece
from tunesmith.generation.request import Request

log = logging.getLogger(__name__)
# the shipped model `harmonize` (and `restyle --to bach`) uses by default: the chorale Transformer kept to the given
# soprano beat the seq2seq harmonizer on Bach's validation chorales (bench/harmonize.py: lower-voice NLL 0.47
# against 0.90 nats/token, Bach's chord on 31% of beats against 15%), so it harmonizes
HARMONIZER = "chorales"
CHORALE_INFILLER = "harmonizer"  # the chorale seq2seq: bars of part music written with both sides in view
INFILLER = "folk-infill"  # the shipped model `infill` uses by default for a tune (one voice)


def read_input(path):
    """A score file read, or a ConfigError in one line (missing, unreadable, no notes)."""
    from tunesmith.io import read

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    try:
        score = read(path)
    except TunesmithError:
        raise
    except Exception as e:  # a reader's own exception on a damaged file: one line, not a traceback
        first = str(e).splitlines()[0] if str(e) else ""
        raise ConfigError(f"{path}: cannot be read ({type(e).__name__}: {first})") from None
    if not score.note_count:
        raise ConfigError(f"{path}: no notes")
    return score


def _write(loaded, result, info: dict, req: Request, job: str, seconds: float, out_dir, stem: str, formats,
           fields: dict, timings: dict | None = None) -> dict:
    """Log the job's warnings and write `result` with the report every given-music job writes: the model, the
    job's own `fields`, the settings, warnings, timings, analysis and score."""
    from tunesmith.io.json import to_dict

    for w in info["warnings"]:
        log.warning("%s", w)
    _make_folder(out_dir)
    report = {
        "model": {"name": loaded.name, "path": str(loaded.path)},
        **fields,
        "seed": req.seed,
        "settings": settings(req),
        "warnings": info["warnings"],
        "timings_s": {"load": round(loaded.load_seconds, 3), job: round(seconds, 3), **(timings or {})},
        "analysis": analysis(result),
        "files": {},
        "score": to_dict(result),
    }
    return write_piece(result, out_dir, stem, formats, report)


def harmonize_files(model, melody, request: Request, out_dir, track: int | None = None, formats=FILES) -> dict:
    """Harmonize the melody in file `melody` (MIDI, MusicXML, ABC; the top voice unless `track`, 0-based) and
    write `<stem>-harmonized-<seed>.*` into `out_dir`; returns the report. `model` as for `compose_files`
    ("default": the shipped harmonizer)."""
    from tunesmith.generation.harmonize import harmonize
    out_dir, formats = check_job(request, out_dir, formats)
    score = read_input(melody)
    loaded = _model(HARMONIZER if model == "default" else model)
    req = loaded.request(request).check_for(loaded.tokenizer)
    t0 = time.perf_counter()
    result, ids, info = harmonize(loaded, score, req, track)
    fields = {"melody": {"path": str(melody), "notes": int(score.note_count), "track": track},
              "cadences": info["cadences"]}
    return _write(loaded, result, info, req, "harmonize", time.perf_counter() - t0, out_dir,
                  f"{Path(melody).stem}-harmonized-{req.seed}", formats, fields, {"tokens": len(ids)})


def model_for_piece(score) -> str:
    """The shipped infilling model that fits a piece: one voice (a tune) -> "folk-infill", else "harmonizer"
    (the chorale seq2seq, trained to infill as well as to harmonize)."""
    voices = sum(1 for t in score.tracks if len(t) and not t.is_drum)
    return INFILLER if voices == 1 else CHORALE_INFILLER


def infill_files(model, piece, bars: str, request: Request, out_dir, voices: str | None = None,
                 formats=FILES) -> dict:
    """Write bars `bars` ("5-6") of the piece in file `piece` again (the `voices` named, else all) and write
    `<stem>-infilled-<seed>.*` into `out_dir`; returns the report. "default": the shipped model that fits the
    piece (`model_for_piece`)."""
    from tunesmith.generation.infill import infill, parse_bars
    out_dir, formats = check_job(request, out_dir, formats)
    first, last = parse_bars(bars)
    score = read_input(piece)
    loaded = _model(model_for_piece(score) if model == "default" else model)
    req = loaded.request(request).check_for(loaded.tokenizer)
    t0 = time.perf_counter()
    result, ids, info = infill(loaded, score, first, last, voices, req)
    fields = {"piece": {"path": str(piece), "notes": int(score.note_count)}, "span": info["span"]}
    return _write(loaded, result, info, req, "infill", time.perf_counter() - t0, out_dir,
                  f"{Path(piece).stem}-infilled-{req.seed}", formats, fields)


ACCOMPANIST = "accompanist"  # the shipped model `accompany` uses by default


def accompany_files(model, tune, request: Request, out_dir, style: str = "folk", track: int | None = None,
                    formats=FILES, votes: int | None = None) -> dict:
    """Chord symbols and a bass and chords track under the melody of file `tune` in `style` (folk: oom-pah,
    a jig's bass-chord; chorale: block chords), written as `<stem>-accompanied-<seed>.*` into `out_dir`; returns
    the report (with the chord symbols). "default": the shipped accompanist; the chords the consensus of `votes`
    samples (default accompany.VOTES)."""
    from tunesmith.generation.accompany import STYLES, VOTES, accompany, check_votes
    if style not in STYLES:
        raise ConfigError(f"unknown style {style!r}; valid: {', '.join(STYLES)}")
    votes = VOTES if votes is None else votes
    check_votes(votes)
    out_dir, formats = check_job(request, out_dir, formats)
    score = read_input(tune)
    loaded = _model(ACCOMPANIST if model == "default" else model)
    t0 = time.perf_counter()
    result, ids, info = accompany(loaded, score, style, request, track, votes)
    fields = {"tune": {"path": str(tune), "notes": int(score.note_count), "track": track}, "style": style,
              "votes": votes, "chords": info["chords"]}
    return _write(loaded, result, info, loaded.request(request), "accompany", time.perf_counter() - t0, out_dir,
                  f"{Path(tune).stem}-accompanied-{request.seed}", formats, fields)


def restyle_files(piece, to: str, request: Request, out_dir, model="default", accompanist="default",
                  track: int | None = None, formats=FILES) -> dict:
    """Render the piece in file `piece` in style `to` (bach: a four-part chorale by the harmonizer; a folk
    style: a tune by the folk model with the accompanist's chords) and write `<stem>-<to>-<seed>.*` into
    `out_dir`; returns the report, with the share of the melody's beat notes kept. "default" models: the
    harmonizer for bach; the folk infiller and the accompanist for folk styles."""
    from tunesmith.generation.restyle import TARGETS, restyle
    if to not in TARGETS:
        raise ConfigError(f"unknown style {to!r}; valid: {', '.join(TARGETS)}")
    out_dir, formats = check_job(request, out_dir, formats)
    score = read_input(piece)
    loaded = _model((HARMONIZER if to == "bach" else INFILLER) if model == "default" else model)
    helper = None
    if to != "bach" and accompanist is not None:
        helper = _model(ACCOMPANIST if accompanist == "default" else accompanist)
    t0 = time.perf_counter()
    result, info = restyle(loaded, score, to, loaded.request(request), helper, track)
    fields = {"accompanist": {"name": helper.name, "path": str(helper.path)} if helper else None,
              "piece": {"path": str(piece), "notes": int(score.note_count), "track": track}, "to": to,
              "melody_kept": info["melody_kept"]}
    return _write(loaded, result, info, loaded.request(request), "restyle", time.perf_counter() - t0, out_dir,
                  f"{Path(piece).stem}-{to}-{request.seed}", formats, fields)
