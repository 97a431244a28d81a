"""Notation: a score engraved as SVG by verovio, from the MusicXML of `tunesmith.io.music21.musicxml_bytes`
(built from the score model by `tunesmith.io.notation`: keys, spelling, clefs, values, pickup, fermatas).

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
from tunesmith.io.notation import readable  # noqa: F401  (re-exported: tests and callers use it from here)
from tunesmith.score.model import Score

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
    # the last system spans the page, as engravers set it, unless it holds under a third of a line of music
    # (verovio's default leaves any last system under 80% ragged: three bars hung at the left of the page)
    "minLastJustification": 0.3,
}


def musicxml_text(score: Score) -> str:
    """The score as a MusicXML document for engraving (made readable first, see `readable`)."""
    from tunesmith.io.music21 import musicxml_bytes

    return musicxml_bytes(score).decode("utf-8")


def write_notation_xml(score: Score, path) -> Path:
    """Write the MusicXML that `write_svg` engraves (readable, titled), atomically; returns the path.

    The same document as `tunesmith.io.write_musicxml` writes (both snap off-grid timing, see `readable`).
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
    if titled and "<creator type=\"composer\">" in musicxml:
        _with_composer(tk)
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


def _with_composer(tk) -> None:
    """Have verovio print the composer under the title. Its MusicXML reader keeps the composer (<creator
    type="composer">) in the MEI header as a name with the role "composer", which its page header leaves out;
    the MEI element it prints is <composer>. Writing the composer as a page credit instead would do, but
    verovio prints credits all in one size, the title as small as the composer."""
    mei = tk.getMEI()
    patched = re.sub(r'<respStmt[^>]*>\s*<persName[^>]*role="composer"[^>]*>([^<]*)</persName>\s*</respStmt>',
                     r"<composer>\1</composer>", mei, count=1)
    if patched != mei:
        tk.loadData(patched)


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

