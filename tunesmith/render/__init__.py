"""Render a score to the files a person looks at and listens to: MIDI, WAV, piano-roll PNG, MusicXML,
engraved SVG and tunesmith JSON. `render_all` writes several at once.

Optional renderers need things outside Python: WAV needs the `fluidsynth` program and a General MIDI
SoundFont, SVG needs verovio. When one is missing the renderer raises `DependencyError` (a TunesmithError)
naming what to install.
"""

from __future__ import annotations

import logging
from pathlib import Path

from tunesmith.errors import ConfigError, DependencyError
from tunesmith.io.json import write_json
from tunesmith.io.midi import write_midi
from tunesmith.render.audio import find_soundfont, render_wav, wav_stats
from tunesmith.render.notation import engrave, write_notation_xml, write_svg
from tunesmith.render.pianoroll import plot_pianoroll
from tunesmith.score.model import Score

log = logging.getLogger(__name__)

# format (also the file suffix) -> writer(score, path); every writer writes atomically
RENDERERS = {
    "mid": write_midi,
    "wav": render_wav,
    "png": plot_pianoroll,
    "musicxml": write_notation_xml,  # the MusicXML that is engraved, see notation.readable
    "svg": write_svg,
    "json": write_json,
}
FORMATS = tuple(RENDERERS)


def check_formats(formats) -> tuple[str, ...]:
    """`formats` as a tuple, in order and once each, if every one has a renderer; else a ConfigError listing
    the valid ones."""
    if isinstance(formats, str):
        formats = (formats,)
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        raise ConfigError(f"unknown format(s) {', '.join(map(repr, unknown))}; valid: {', '.join(FORMATS)}")
    return formats


def render_all(
    score: Score, out_dir, stem: str, formats=FORMATS, skip_missing: bool = False
) -> dict[str, Path]:
    """Write `out_dir/stem.<format>` for each format; returns {format: path} of the files written.

    A renderer whose program, SoundFont or library is missing raises DependencyError, unless
    `skip_missing`, in which case it is logged as a warning and left out of the result. SVG may add
    `stem-2.svg`, ... for long scores; the result holds page 1.
    """
    formats = check_formats(formats)
    if not stem or Path(stem).name != stem:
        raise ConfigError(f"stem {stem!r} must be a plain file name without folders")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for fmt in formats:
        path = out_dir / f"{stem}.{fmt}"
        try:
            if fmt == "svg" and "musicxml" in written:
                # music21 is the slow step of engraving: engrave the MusicXML just written
                engrave(written["musicxml"].read_text(encoding="utf-8"), path)
            else:
                RENDERERS[fmt](score, path)
        except DependencyError as e:
            if not skip_missing:
                raise
            log.warning("%s not written: %s", path.name, e)
            continue
        written[fmt] = path
    return written


__all__ = [
    "FORMATS", "RENDERERS", "check_formats", "engrave", "find_soundfont", "plot_pianoroll", "render_all", "render_wav",
    "wav_stats", "write_notation_xml", "write_svg",
]
