"""The job behind `tunesmith analyze FILE`: read a score, analyse it, and render the analysis.

Formats: "text" (a report), "json", "rntxt" (RomanText), "musicxml" (the score with the numerals under the
bass and the faults in colour) and "svg" (that score engraved). Without an output folder the job returns
the text formats as strings; with one it writes `<stem>.txt`, `.json`, `.rntxt`, `.musicxml`, `.svg` there.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import NamedTuple

from tunesmith.assistant.analysis import Analysis, analyze_score
from tunesmith.errors import ConfigError

log = logging.getLogger(__name__)

FORMATS = {"text": ".txt", "json": ".json", "rntxt": ".rntxt", "musicxml": ".musicxml", "svg": ".svg"}


class Report(NamedTuple):
    analysis: Analysis
    outputs: dict  # format -> the rendered text (no folder given) or the path written


def check_formats(formats) -> tuple[str, ...]:
    """The formats asked for, each checked; ConfigError naming the valid ones otherwise."""
    formats = tuple(formats)
    for f in formats:
        if f not in FORMATS:
            raise ConfigError(f"unknown format {f!r}; valid: {', '.join(FORMATS)}")
    return formats


def render(analysis: Analysis, fmt: str, name: str = "") -> str:
    """One text format of an analysis: text, json, rntxt or musicxml."""
    from tunesmith.assistant import formats

    if fmt == "text":
        return formats.to_text(analysis, name)
    if fmt == "json":
        return json.dumps(formats.to_dict(analysis), indent=1, ensure_ascii=False) + "\n"
    if fmt == "rntxt":
        return formats.to_rntxt(analysis)
    if fmt == "musicxml":
        from tunesmith.assistant.annotate import annotated_score_xml

        return annotated_score_xml(analysis)
    raise ConfigError(f"format {fmt!r} is written to a file only: give an output folder (--out)")


def read_analysis(path) -> Analysis:
    """Read a score file and analyse it, with the file's own measure numbers where it has them."""
    from tunesmith.io import read
    from tunesmith.io.measures import read_measures

    score = read(path)
    return analyze_score(score, read_measures(path, score))


def analyze(path, formats=("text",), out=None) -> Report:
    """Analyse a score file and render the formats asked for (see the module doc). Bad input raises a
    TunesmithError with a one-line message: an unreadable file, a score without notes, an unknown format."""
    formats = check_formats(formats)
    if out is None and "svg" in formats:
        raise ConfigError("format 'svg' is written to a file only: give an output folder (--out)")
    analysis = read_analysis(path)
    name = Path(path).name
    if out is None:
        return Report(analysis, {f: render(analysis, f, name) for f in formats})
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for f in formats:
        target = out / (Path(path).stem + FORMATS[f])
        if f == "svg":
            from tunesmith.assistant.annotate import write_annotated_svg

            written[f] = write_annotated_svg(analysis, target)
        else:
            written[f] = write_text(target, render(analysis, f, name))
        log.info("wrote %s", written[f])
    return Report(analysis, written)


def write_text(path: Path, text: str) -> Path:
    """Write a text file atomically (a temporary name, then rename); returns the path."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
