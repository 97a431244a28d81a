"""Measures as the score numbers them: what the score model leaves out, read from a file.

The score model keeps notes on a time-signature grid from tick 0. An analysis must also speak of measures
as the edition numbers them (RomanText's "m12 b3"), and split or irregular measures, numbering that starts
at 0 for a pickup, and a change of meter move those numbers off the grid. For MusicXML the numbers and
lengths are read here from the checked XML tree, without music21 (a few milliseconds), on the same ticks as
`tunesmith.io.read`, which pads a pickup measure to a full bar. Other formats get the regular grid
(`grid_measures`).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from tunesmith.io import limits
from tunesmith.io.limits import read_capped
from tunesmith.score.model import TPQ, Score

MUSICXML = (".musicxml", ".xml", ".mxl")


class MeasureMap(NamedTuple):
    """Measure numbers and start ticks in score order."""

    numbers: tuple[str, ...]  # as printed: "0" for a pickup, a repeated number for the halves of a split one
    starts: np.ndarray  # (M,) int64 ticks, ascending

    def locate(self, tick: int) -> tuple[str, int]:
        """(number, ticks into the measure) of the measure that holds `tick`: a half of a split measure counts
        from the start of its first half, as RomanText beats do."""
        i = max(int(np.searchsorted(self.starts, tick, side="right")) - 1, 0)
        first = i
        while first > 0 and self.numbers[first - 1] == self.numbers[i]:
            first -= 1
        return self.numbers[i], int(tick - self.starts[first])


def grid_measures(score: Score) -> MeasureMap:
    """Measures on the time-signature grid, numbered from 1, or from 0 when the first bar is a pickup: the
    first note starts after the downbeat, within the bar (how `tunesmith.io.read` pads a pickup)."""
    starts = score.bar_starts()
    notes = score.all_notes()
    first = int(notes["start"].min()) if len(notes) else 0
    pickup = len(starts) > 1 and 0 < first < int(starts[1])
    numbers = tuple(str(i + (0 if pickup else 1)) for i in range(len(starts)))
    return MeasureMap(numbers, starts)


def read_measures(path, score: Score) -> MeasureMap:
    """The measure map of a score file: from a MusicXML file its own numbers, the grid otherwise."""
    path = Path(path)
    if path.suffix.lower() not in MUSICXML:
        return grid_measures(score)
    from tunesmith.io.musicxml import musicxml_root

    root = musicxml_root(read_capped(path, limits.MAX_TEXT_BYTES), path)
    return musicxml_measures(root) or grid_measures(score)


def musicxml_measures(root) -> MeasureMap | None:
    """The measure map of a checked <score-partwise> tree (see `tunesmith.io.musicxml.musicxml_root`): measure
    numbers and lengths from its first part; None if it has no measures."""
    parts = root.findall("part")
    measures = parts[0].findall("measure") if parts else []
    if not measures:
        return None
    lengths, numbers, bar, first_bar, divisions = [], [], TPQ * 4, TPQ * 4, 1.0
    for measure in measures:
        pos = end = 0.0
        for el in measure:
            if el.tag == "attributes":
                d = el.find("divisions")
                divisions = float(d.text) if d is not None and d.text else divisions
                time = el.find("time")
                if time is not None and time.findtext("beats", "").strip().isdigit():
                    bar = int(time.findtext("beats")) * TPQ * 4 // int(time.findtext("beat-type", "4"))
            elif el.tag == "note" and el.find("chord") is None and el.find("grace") is None:
                pos += _duration(el, divisions)
            elif el.tag == "backup":
                pos -= _duration(el, divisions)
            elif el.tag == "forward":
                pos += _duration(el, divisions)
            end = max(end, pos)
        numbers.append((measure.get("number") or str(len(numbers) + 1)).strip())
        lengths.append(end)
        if len(lengths) == 1:
            first_bar = bar
    starts = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    # tunesmith.io.read pads a short first measure (a pickup) to a full bar, as music21's paddingLeft does
    shift = max(first_bar - lengths[0], 0.0) if len(lengths) > 1 else 0.0
    starts = np.round(starts + np.where(np.arange(len(starts)) > 0, shift, 0.0)).astype(np.int64)
    return MeasureMap(tuple(numbers), starts)


def _duration(el, divisions: float) -> float:
    """Ticks of a <note>, <backup> or <forward> (0 without a duration: a grace note)."""
    text = el.findtext("duration")
    try:
        return float(text) * TPQ / divisions if text else 0.0
    except ValueError:
        return 0.0
