"""Analysis accuracy against expert Roman-numeral analyses, beside a simple baseline, and analysis speed.

    python bench/analysis.py              # 20 Bach chorales and 48 Monteverdi madrigals (a few minutes)
    python bench/analysis.py --bach       # the chorales only (about half a minute)

The experts: the RomanText analyses that ship in music21's corpus (bach/choraleAnalyses, 20 chorales by
Riemenschneider number; monteverdi/*.rntxt, 48 madrigals), each beside the score it analyses. Each beat of
the score (the meter's beats) is compared with the expert's numeral in force at the beat's start:

- key: same tonic and mode;
- chord: same root and quality (a triad or seventh chord: the pitch classes the numeral means);
- numeral: key and chord and bass (inversion) and applied target all the same: the whole Roman numeral.

The expert's labels are placed on the score with music21 (measure numbers and offsets of the score, beats
of the analysis's meter), not with tunesmith's measure map, so the bench checks that map too. Pieces are
left out, and listed, where the comparison would be meaningless: the MusicXML's parts disagree on where a
measure starts (19 madrigals: music21 reads their parts out of step), or the analysis covers less than 90% of
the score (an analysis of another version of the chorale). An analysis of a transposed edition (the roots of
the notes on its beats agree twelve semitones away better than twice as well as in place) is transposed.

Baseline: one global key for the piece (`theory.keys.estimate_key`), and on each beat the chord of the notes
sounding at its start (`theory.chords.chord_from_pitches`) named in that key (`theory.roman.numeral`).
Ours: `theory.harmony.harmonize` (chord templates and a key HMM). Speed: `assistant.analysis.analyze_score`
(harmony, cadences, non-chord tones, faults) per chorale, read time apart.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from machine import cpu_name  # noqa: E402

from tunesmith.io import read  # noqa: E402
from tunesmith.score.model import TPQ  # noqa: E402
from tunesmith.theory.chords import QUALITIES, chord_from_pitches  # noqa: E402
from tunesmith.theory.harmony import harmonize  # noqa: E402
from tunesmith.theory.keys import estimate_key  # noqa: E402
from tunesmith.theory.meter import beat_starts  # noqa: E402
from tunesmith.theory.roman import numeral  # noqa: E402

BWV_FILES = {"248(2).12": "248.12-2", "41.6s": "41.6"}  # the analyses' BWV numbers that name files otherwise
TEMPLATES = {frozenset(steps): q for q, steps in QUALITIES.items()}


def pairs(bach_only: bool) -> list[tuple[str, Path, Path]]:
    """(corpus, score, analysis) for every expert analysis in music21's corpus."""
    import music21

    root = Path(music21.__file__).parent / "corpus"
    out = []
    for f in sorted((root / "bach" / "choraleAnalyses").glob("*.rntxt")):
        bwv = re.search(r"BWV: *(\S+)", f.read_text()).group(1)
        out.append(("bach", root / "bach" / f"bwv{BWV_FILES.get(bwv, bwv)}.mxl", f))
    if not bach_only:
        out += [("monteverdi", f.with_suffix(".mxl"), f) for f in sorted((root / "monteverdi").glob("*.rntxt"))]
    return out


def expert_labels(analysis: Path, score_path: Path) -> tuple[list[tuple], bool]:
    """[(tick, (tonic, mode), root, quality, bass, applied target)] of the expert's numerals, placed on the
    score by music21; and whether the score's parts agree on their measures."""
    from music21 import converter, roman

    rntxt = converter.parse(analysis, format="romantext")
    m21 = converter.parse(score_path)
    measures = [list(p.getElementsByClass("Measure")) for p in m21.parts]
    aligned = all([(m.number, m.offset) for m in ms] == [(m.number, m.offset) for m in measures[0]]
                  for ms in measures)
    shift = measures[0][0].paddingLeft if measures[0] else 0.0  # tunesmith pads a pickup as music21 does
    start = {}
    for i, m in enumerate(measures[0]):
        start.setdefault(m.number, m.offset + (shift if i else 0.0))
    labels = []
    for rn in rntxt.recurse().getElementsByClass(roman.RomanNumeral):
        if rn.measureNumber not in start:
            continue
        ts = rn.getContextByClass("TimeSignature")
        beat = ts.beatDuration.quarterLength if ts else 1.0
        tick = round((start[rn.measureNumber] + (float(rn.beat) - 1) * beat) * TPQ)
        root = rn.root().pitchClass
        quality = TEMPLATES.get(frozenset((p.pitchClass - root) % 12 for p in rn.pitches), "other")
        applied = rn.secondaryRomanNumeral.root().pitchClass if rn.secondaryRomanNumeral else None
        labels.append((tick, (rn.key.tonic.pitchClass, rn.key.mode), root, quality, rn.bass().pitchClass, applied))
    return sorted(labels, key=lambda x: x[0]), aligned


def transposition(labels, score) -> int:
    """Semitones to add to the labels: 0 unless the notes' roots agree far better elsewhere (module doc)."""
    notes = score.all_notes()
    end = notes["start"] + notes["duration"]
    roots = []
    for tick, *_ in labels:
        c = chord_from_pitches(notes["pitch"][(notes["start"] <= tick) & (end > tick)])
        roots.append(c.root if c else -1)
    agree = [np.mean([(x[2] + t) % 12 == r for x, r in zip(labels, roots)]) for t in range(12)]
    best = int(np.argmax(agree))
    return best if best and agree[best] > 2 * agree[0] else 0


def shifted(labels, t: int):
    if not t:
        return labels
    f = (lambda x: None if x is None else (x + t) % 12)  # noqa: E731
    return [(x[0], ((x[1][0] + t) % 12, x[1][1]), f(x[2]), x[3], f(x[4]), f(x[5])) for x in labels]


def baseline(score, beats):
    key = estimate_key(score)
    notes = score.all_notes()
    end = notes["start"] + notes["duration"]
    out = []
    for b in beats:
        chord = chord_from_pitches(notes["pitch"][(notes["start"] <= b) & (end > b)])
        out.append(((key.tonic, key.mode), numeral(chord, key) if chord else None))
    return out


def ours(score, beats):
    edges = np.append(beats, max(score.end, int(beats[-1]) + 1))
    return [((h.key.tonic, h.key.mode), h.numeral) for h in harmonize(score, edges)]


def score_piece(labels, beats, predictions) -> np.ndarray:
    """Counts: beats, key, chord, numeral."""
    ticks = np.array([x[0] for x in labels])
    counts = np.zeros(4)
    for b, (key, n) in zip(beats, predictions):
        i = int(np.searchsorted(ticks, b, side="right")) - 1
        if i < 0:
            continue
        _, k, root, quality, bass, applied = labels[i]
        chord = n is not None and n.root == root and n.quality == quality
        counts += (1, key == k, chord, chord and key == k and n.bass == bass and n.secondary == applied)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bach", action="store_true", help="the 20 chorales only")
    args = parser.parse_args()
    from tunesmith.assistant.analysis import analyze_score
    from tunesmith.io.measures import read_measures

    totals: dict[tuple[str, str], np.ndarray] = {}
    left_out, transposed, read_s, analyse_s = [], [], [], []
    for corpus, score_path, analysis in pairs(args.bach):
        t0 = time.perf_counter()
        score = read(score_path)
        read_s.append(time.perf_counter() - t0) if corpus == "bach" else None
        labels, aligned = expert_labels(analysis, score_path)
        cover = labels[-1][0] / max(score.end, 1) if labels else 0.0
        if not aligned or cover < 0.9:
            left_out.append(f"{score_path.name} ({'parts out of step' if not aligned else f'covers {cover:.0%}'})")
            continue
        t = transposition(labels, score)
        if t:
            transposed.append(f"{score_path.name} (+{t})")
        labels = shifted(labels, t)
        beats = beat_starts(score)
        for method, fn in (("baseline", baseline), ("tunesmith", ours)):
            totals[(corpus, method)] = totals.get((corpus, method), 0) + score_piece(labels, beats, fn(score, beats))
        if corpus == "bach":
            best = min(analyze_score(score, read_measures(score_path, score)).seconds for _ in range(3))
            analyse_s.append(best)
    print(f"{time.strftime('%Y-%m-%d')}, {cpu_name()}, Python {sys.version.split()[0]}\n")
    print("| corpus | pieces | beats | method | key | chord (root + quality) | full numeral |")
    print("|---|---|---|---|---|---|---|")
    pieces = {c: sum(1 for x in pairs(args.bach) if x[0] == c) for c in ("bach", "monteverdi")}
    for (corpus, method), c in totals.items():
        n = pieces[corpus] - sum(1 for x in left_out if ("madrigal" in x) == (corpus == "monteverdi"))
        share = " | ".join(f"{x / c[0]:.1%}" for x in c[1:])
        print(f"| {corpus} | {n} | {int(c[0])} | {method} | {share} |")
    print(f"\nleft out: {', '.join(left_out) or 'none'}\ntransposed: {', '.join(transposed) or 'none'}")
    ms = [1000 * s for s in analyse_s]
    print(f"\nanalyze_score per chorale ({len(ms)} chorales, best of 3): median {statistics.median(ms):.1f} ms, "
          f"max {max(ms):.1f} ms; reading the MusicXML: median {1000 * statistics.median(read_s):.0f} ms")


if __name__ == "__main__":
    main()
