"""False alarms of `tunesmith check --rules chorale` on Bach's chorales, per rule and per piece.

    python bench/check.py               # the 350 chorale files of music21's corpus (about a minute)
    python bench/check.py --limit 40

Bach's chorales are the model the chorale rules are taught from, so every fault reported in them counts
here as a false alarm of the checker, even where Bach did break a textbook rule (he does: hidden fifths
and octaves between inner and outer voices, crossings for a better line, an inner voice's leading tone
falling to the fifth). Pieces are read from music21's corpus with `tunesmith.io.read`; those that do not
have four voices are counted apart and not checked.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import cpu_name  # noqa: E402

from tunesmith.assistant.analysis import analyze_score  # noqa: E402
from tunesmith.assistant.check import RULE_SETS, check_analysis  # noqa: E402
from tunesmith.data.corpora import CORPORA, work_units  # noqa: E402
from tunesmith.errors import TunesmithError  # noqa: E402
from tunesmith.io import read  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    units = work_units(CORPORA["chorales"])[: args.limit]
    per_rule, pieces_with = collections.Counter(), collections.Counter()
    per_piece, seconds, other, failed = [], [], 0, 0
    for _, path, _ in units:
        try:
            score = read(path)
            t0 = time.perf_counter()
            analysis = analyze_score(score)
            if analysis.voices != 4:
                other += 1
                continue
            items = check_analysis(analysis, "chorale").items
            seconds.append(time.perf_counter() - t0)
        except TunesmithError:
            failed += 1
            continue
        per_piece.append(len(items))
        per_rule.update(it.rule for it in items)
        pieces_with.update({it.rule for it in items})
    n = len(per_piece)
    print(f"{time.strftime('%Y-%m-%d')}, {cpu_name()}, Python {sys.version.split()[0]}\n")
    print(f"{n} chorales checked ({other} without four voices, {failed} unreadable); false alarms per chorale: "
          f"mean {statistics.mean(per_piece):.1f}, median {statistics.median(per_piece):g}, "
          f"max {max(per_piece)}; chorales with none: {sum(1 for c in per_piece if c == 0)}\n")
    print("| rule | false alarms | per chorale | chorales with one or more |")
    print("|---|---|---|---|")
    for rule in RULE_SETS["chorale"][0]:
        print(f"| {rule} | {per_rule[rule]} | {per_rule[rule] / n:.2f} | {pieces_with[rule]} |")
    print(f"\nanalysis + check per chorale: median {1000 * statistics.median(seconds):.1f} ms, "
          f"max {1000 * max(seconds):.1f} ms")


if __name__ == "__main__":
    main()
