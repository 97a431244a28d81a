"""Notation: a score engraved as SVG by verovio, from MusicXML made through `tunesmith.io.music21`.

Timing off the sixteenth/triplet grid is snapped to sixteenths first (`readable`), so played or
generated music comes out readable. Pages: verovio lays the score out on pages of A4 width whose height
grows to fit the music, up to verovio's maximum page height (about 300 bars of four parts), so nearly
every piece is one file, `name.svg`. Longer music continues in `name-2.svg`, `name-3.svg`, ...;
`write_svg` returns the first page's path.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from tunesmith.errors import DependencyError, ScoreError, TunesmithError
from tunesmith.score.model import TPQ, Score
from tunesmith.score.transforms import quantize

log = logging.getLogger(__name__)

VEROVIO_OPTIONS = {
    "pageWidth": 2100,  # A4 width in verovio's units (tenths of a millimetre)
    "pageHeight": 60000,  # verovio's maximum; adjustPageHeight trims it to the music
    "adjustPageHeight": True,
    "pageMarginLeft": 50,
    "pageMarginRight": 50,
    "pageMarginTop": 50,
    "pageMarginBottom": 50,
    "scale": 40,  # an A4-wide page comes out ~840 px wide
    "footer": "none",  # no "engraved by verovio" line
}


def readable(score: Score) -> Score:
    """The score snapped to sixteenths for notation, unless every note already starts and ends on a
    1/12-quarter grid (sixteenths and triplets: written music), which is left as it is.

    Played or generated music with timing off the grid would otherwise be spelled with 32nd rests and
    odd tuplets: music21 quantizes onsets and durations apart and can make a 1/24 tuplet of a jitter.
    """
    grid = TPQ // 12
    on_grid = all(
        not ((t.notes["start"] % grid).any() or (t.notes["duration"] % grid).any()) for t in score.tracks
    )
    return score if on_grid else quantize(score, 4)


def musicxml_text(score: Score) -> str:
    """The score as a MusicXML document for engraving (made readable first, see `readable`)."""
    from music21 import metadata
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    from tunesmith.io.music21 import to_music21

    stream = to_music21(readable(score))
    if stream.metadata is None or not stream.metadata.title:
        # without a title music21 writes "Music21 Fragment", which verovio would print as one
        stream.metadata = stream.metadata or metadata.Metadata()
        stream.metadata.title = score.metadata.title
    return GeneralObjectExporter(stream).parse().decode("utf-8")


def write_notation_xml(score: Score, path) -> Path:
    """Write the MusicXML that `write_svg` engraves (readable, titled), atomically; returns the path.

    Unlike `tunesmith.io.write_musicxml`, off-grid timing is snapped to sixteenths first (see `readable`).
    """
    path = Path(path)
    _write_text(path, musicxml_text(score.validate()))
    return path


def write_svg(score: Score, path) -> Path:
    """Engrave the score as SVG with verovio; returns the path of page 1 (see the module doc for pages)."""
    if score.note_count == 0:
        raise ScoreError("the score holds no notes; there is nothing to engrave")
    return engrave(musicxml_text(score.validate()), path)


def engrave(musicxml: str, path) -> Path:
    """Engrave a MusicXML document as SVG page files `path`, `path-2`, ...; returns the first path."""
    try:
        import verovio
    except ImportError:
        raise DependencyError("engraving SVG needs verovio (pip install verovio)") from None

    path = Path(path)
    verovio.enableLog(verovio.LOG_OFF)  # verovio otherwise prints layout warnings to stderr
    tk = verovio.toolkit()
    titled = re.search(r"<(work|movement)-title>\s*[^<\s]", musicxml) is not None
    tk.setOptions({**VEROVIO_OPTIONS, "header": "auto" if titled else "none"})  # no blank title band
    if not tk.loadData(musicxml):
        raise TunesmithError("verovio could not read the MusicXML written for this score")
    pages = tk.getPageCount()
    if pages < 1:
        raise TunesmithError("verovio laid out no page for this score")
    if pages > 1:
        log.info("%s: the score fills %d pages; page 2 on is %s", path.name, pages, page_path(path, 2).name)
    for page in range(1, pages + 1):
        _write_text(page_path(path, page), tk.renderToSVG(page))
    # pages left from an earlier, longer rendering of the same name would be mistaken for this one's
    stale = pages + 1
    while page_path(path, stale).is_file():
        page_path(path, stale).unlink()
        stale += 1
    return path


def page_path(path: Path, page: int) -> Path:
    """Path of page `page` (from 1): `name.svg`, then `name-2.svg`, `name-3.svg`, ..."""
    return path if page == 1 else path.with_name(f"{path.stem}-{page}{path.suffix}")


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)

