"""The XML tree of a MusicXML file, read within bounds before music21 sees it: the file's size, the size of an
.mxl's score once inflated (never inflated past the limit, whatever the archive declares), no XML entities, and
parts, measures, notes, durations and meters a score can hold. music21 then converts the checked tree."""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from xml.parsers import expat

from tunesmith.errors import ScoreError
from tunesmith.io import limits
from tunesmith.io.limits import check_meter, one_line
from tunesmith.score.model import MAX_NOTES

_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, RuntimeError, NotImplementedError,
               OSError, UnicodeDecodeError)  # what zipfile raises on a corrupt, encrypted or odd archive


def musicxml_root(data: bytes, path: Path) -> ET.Element:
    """The checked <score-partwise> element of the bytes of a .musicxml, .xml or .mxl file (`path` names it in
    errors); ScoreError for anything else."""
    if not data.strip():
        raise ScoreError(f"{path}: empty file")
    try:
        if data.startswith(b"PK\x03\x04"):  # a zip archive, whatever the suffix (as music21 reads it)
            data = _inflated_score(data)
        _refuse_entities(data)
        root = ET.fromstring(data)
        check_musicxml(root)
    except ET.ParseError as e:
        raise ScoreError(f"{path}: not a readable musicxml file ({one_line(e)})") from None
    except ScoreError as e:
        raise ScoreError(f"{path}: {e}") from None
    return root


def _inflated_score(data: bytes) -> bytes:
    """The score file of an .mxl archive, inflated no further than MAX_XML_BYTES."""
    limit = limits.MAX_XML_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo(_rootfile(z))
            if info.file_size > limit:
                raise ScoreError(f"its score inflates to {info.file_size >> 20} MiB, more than the "
                                 f"{limit >> 20} MiB this reader takes")
            with z.open(info) as f:  # the declared size can lie: read one byte past the limit at most
                xml = f.read(limit + 1)
    except ScoreError:
        raise
    except _ZIP_ERRORS as e:
        raise ScoreError(f"not a readable .mxl archive ({one_line(e)})") from None
    if len(xml) > limit:
        raise ScoreError(f"its score inflates to more than the {limit >> 20} MiB this reader takes")
    return xml


def _rootfile(z: zipfile.ZipFile) -> str:
    """The score's name in the archive: the rootfile of META-INF/container.xml, else (as music21 does) the first
    .xml or .musicxml file outside META-INF."""
    names = z.namelist()
    if "META-INF/container.xml" in names and z.getinfo("META-INF/container.xml").file_size < 1 << 20:
        with z.open("META-INF/container.xml") as f:
            container = f.read(1 << 20)
        try:
            _refuse_entities(container)
            for el in ET.fromstring(container).iter():
                if el.tag.rsplit("}", 1)[-1] == "rootfile" and el.get("full-path") in names:
                    return el.get("full-path")
        except ET.ParseError:
            pass
    for name in names:
        if not name.startswith("META-INF") and PurePosixPath(name).suffix.lower() in (".xml", ".musicxml"):
            return name
    raise ScoreError("the .mxl archive holds no .xml or .musicxml score")


class _Prolog(Exception):
    """The root element starts: the prolog, where entities are declared, is over."""


def _refuse_entities(data: bytes) -> None:
    """ScoreError if the document declares an entity. A score never needs one; an entity can name a local file
    (external entities) or expand without bound (billion laughs); expat from 2.4.1 caps the latter, but the
    Python it runs under may link an older one. Only the prolog is parsed: expat stops at the root element."""

    def refuse(name, *_):
        raise ScoreError(f"declares the XML entity {name!r} (refused: a score needs none)")

    def stop(*_):
        raise _Prolog

    parser = expat.ParserCreate()
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = stop
    try:
        parser.Parse(data, True)
    except (_Prolog, expat.ExpatError):  # a parse error is ElementTree's to report
        pass


def _number(el: ET.Element | None, what: str) -> float:
    try:
        value = float(el.text) if el is not None and el.text is not None else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ScoreError(f"<{what}> {el.text if el is not None else ''!r} is not a number")
    return value


def check_musicxml(root: ET.Element) -> None:
    """ScoreError unless `root` is a <score-partwise> with parts, within MAX_MEASURES measures a part and
    MAX_NOTES notes, with positive divisions, notes of at most MAX_NOTE_QUARTERS and meters `check_meter` takes."""
    if root.tag != "score-partwise":
        raise ScoreError(f"root element <{root.tag}>, not <score-partwise>")
    parts = root.findall("part")
    if not parts or root.find("part-list") is None:
        raise ScoreError("holds no parts")
    if len(parts) > limits.MAX_TRACKS:
        raise ScoreError(f"more than {limits.MAX_TRACKS} parts")
    if sum(1 for _ in root.iter("note")) > MAX_NOTES:
        raise ScoreError(f"more than {MAX_NOTES} notes")
    for part in parts:
        measures = part.findall("measure")
        if len(measures) > limits.MAX_MEASURES:
            raise ScoreError(f"more than {limits.MAX_MEASURES} measures in a part")
        divisions = 1.0
        for el in (el for m in measures for el in m):
            if el.tag == "attributes":
                if el.find("divisions") is not None:
                    divisions = _number(el.find("divisions"), "divisions")
                    if divisions <= 0:
                        raise ScoreError(f"<divisions> {divisions:g} is not positive")
                for time in el.iter("time"):
                    _check_time(time)
                for fifths in el.iter("fifths"):  # music21 spells the sharps of a key one by one: 10^8 hangs it
                    if not -15 <= _number(fifths, "fifths") <= 15:
                        raise ScoreError(f"a key of {fifths.text.strip()} sharps is absurd (at most 15)")
            elif el.tag in ("note", "forward", "backup") and el.find("duration") is not None:
                quarters = _number(el.find("duration"), "duration") / divisions
                if not 0 <= quarters <= limits.MAX_NOTE_QUARTERS:
                    raise ScoreError(f"a <{el.tag}> of {quarters:g} quarter notes (at most "
                                     f"{limits.MAX_NOTE_QUARTERS})")


def _check_time(time: ET.Element) -> None:
    for beats, beat_type in zip(time.findall("beats"), time.findall("beat-type")):
        try:  # music21 reads "3+2" as 5 beats
            numerator = sum(int(b) for b in re.split(r"\+", (beats.text or "").strip()))
            denominator = int((beat_type.text or "").strip())
        except ValueError:
            raise ScoreError(f"meter {beats.text!r}/{beat_type.text!r} is not a number") from None
        check_meter(numerator, denominator)
