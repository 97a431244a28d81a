"""Key-finding accuracy of every profile against the notated keys of the music21 Bach chorales.

    python bench/keys.py              # all 371 chorales (about a minute of parsing)
    python bench/keys.py --limit 20   # a quick look

For each chorale: parse with music21, convert with `tunesmith.io.music21.from_music21`, take the first
notated key (`score.key_signatures[0]`; music21 reads the mode from the MusicXML <mode> element) as the
truth, and estimate the key from the duration-weighted pitch-class histogram of all parts.

Scored like the MIREX audio/symbolic key detection task: exact 1.0, perfect fifth (same mode, tonic a
fifth above or below) 0.5, relative major/minor 0.3, parallel major/minor 0.2, anything else 0.
Chorales whose MusicXML gives no mode (music21 returns a bare KeySignature, which from_music21 reads as
major) are counted and also scored apart, since their "truth" is only a guess. A third table takes the
final bass note as the tonic (with the notated mode): Bach often notated minor keys with one flat fewer
(a "Dorian" signature), which music21 reads as the key a fourth below.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from tunesmith.theory.histogram import WEIGHTS, pitch_class_histogram
from tunesmith.theory.keys import DEFAULT_PROFILE, KEYS, PROFILES, correlate, key_index

CATEGORIES = ("correct", "fifth", "relative", "parallel", "other")
MIREX_WEIGHTS = np.array([1.0, 0.5, 0.3, 0.2, 0.0])


def category(true: int, est: int) -> int:
    """Index in CATEGORIES of an estimated key against the true one (both `KEYS` indices)."""
    tm, tt, em, et = true // 12, true % 12, est // 12, est % 12
    if true == est:
        return 0
    if tm == em and (et - tt) % 12 in (5, 7):
        return 1
    if tm != em and (et - tt) % 12 == (9 if tm == 0 else 3):
        return 2
    if tm != em and et == tt:
        return 3
    return 4


def final_bass(score) -> int:
    """Pitch class of the lowest note sounding at the last onset: the tonic a chorale ends on."""
    notes = score.all_notes()
    return int(notes["pitch"][notes["start"] == notes["start"].max()].min()) % 12


def load(limit: int | None, cache: Path | None) -> dict[str, np.ndarray]:
    """Per chorale: name, (12,) histograms by duration and by count, true key index, final bass, and
    whether the MusicXML gave a mode; parsed, or read back from `cache`."""
    if cache is not None and cache.exists():
        data = dict(np.load(cache))
        if limit is None or len(data["names"]) >= limit:
            return {k: v[:limit] for k, v in data.items()}
    from music21 import corpus
    from music21 import key as m21key

    from tunesmith.io.music21 import from_music21

    names = list(corpus.chorales.Iterator(returnType="filename"))[:limit]
    rows = []
    for i, name in enumerate(names):
        m21 = corpus.parse(name)
        score = from_music21(m21)
        if not score.key_signatures or not score.note_count:
            print(f"skipped {name}: no key signature or no notes", file=sys.stderr)
            continue
        first = m21.parts[0].flatten().getElementsByClass(m21key.KeySignature).first()
        rows.append((name, pitch_class_histogram(score, "duration"), pitch_class_histogram(score, "count"),
                     key_index(score.key_signatures[0]), final_bass(score), isinstance(first, m21key.Key)))
        if (i + 1) % 50 == 0:
            print(f"parsed {i + 1}/{len(names)}", file=sys.stderr)
    data = {k: np.array(v) for k, v in zip(("names", "duration", "count", "true", "final", "explicit"),
                                            zip(*rows, strict=True), strict=True)}
    if cache is not None:
        np.savez(cache, **data)
    return data


def report(hist: np.ndarray, true: np.ndarray, label: str) -> None:
    """Print one row per profile: accuracy, confusions and the MIREX weighted score."""
    print(f"\n{label}: {len(true)} chorales "
          f"({int((true >= 12).sum())} notated minor, {int((true < 12).sum())} major)")
    head = "".join(f"{c:>10}" for c in CATEGORIES)
    print(f"{'profile':<11}{'accuracy':>9}{head}{'MIREX':>8}{'maj acc':>9}{'min acc':>9}")
    for profile in PROFILES:
        est = np.nanargmax(correlate(hist, profile), axis=1)
        cats = np.array([category(int(t), int(e)) for t, e in zip(true, est, strict=True)])
        counts = np.bincount(cats, minlength=len(CATEGORIES))
        ok = cats == 0
        maj, mnr = true < 12, true >= 12
        star = "*" if profile == DEFAULT_PROFILE else " "
        print(f"{profile + star:<11}{ok.mean():>9.1%}" + "".join(f"{c:>10d}" for c in counts)
              + f"{(MIREX_WEIGHTS[cats]).mean():>8.3f}"
              + f"{ok[maj].mean() if maj.any() else float('nan'):>9.1%}"
              + f"{ok[mnr].mean() if mnr.any() else float('nan'):>9.1%}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N chorales")
    parser.add_argument("--weight", choices=WEIGHTS, default="duration", help="histogram weighting")
    parser.add_argument("--cache", type=Path, default=None, help="save/load the parsed histograms (.npz)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    data = load(args.limit, args.cache)
    hist, true, explicit = data[args.weight], data["true"], data["explicit"]
    print(f"{len(true)} chorales ready in {time.perf_counter() - t0:.1f} s; weight={args.weight}; "
          f"{int((~explicit).sum())} without a notated mode; * = default profile; {len(KEYS)} candidate keys")
    report(hist, true, "truth = notated key")
    if (~explicit).any():
        report(hist[explicit], true[explicit], "truth = notated key, chorales with a notated mode only")
    # Many minor chorales carry a "Dorian" signature (one flat fewer: G minor written with one flat reads as
    # D minor), so the notated key is a fourth below the real one. The final bass note is a second truth.
    final = 12 * (true // 12) + data["final"]
    print(f"\n{int((final != true).sum())} chorales end on a bass other than the notated tonic")
    report(hist, final, "truth = notated mode, tonic = final bass note")
    return 0


if __name__ == "__main__":
    sys.exit(main())
