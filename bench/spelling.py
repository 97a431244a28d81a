"""Pitch spelling against Bach: how often `tunesmith.theory.spelling.spell` writes a note as the Bach chorales of
the music21 corpus write it (letter and accidental), over every four-part chorale music21 ships.

    python bench/spelling.py                 # all chorales
    python bench/spelling.py --limit 40      # the first 40

Each chorale is read with music21 (`tunesmith.io.music21.from_music21`, which merges ties); each note of the score
model is matched with the written note that starts it (part, onset, MIDI pitch). The speller sees the notated key
signature, as the notation writer does. Printed: agreement over all notes and over the notes outside the key's
scale (where spelling is hard), for the full speller, without the harmony step, with the key window only, and
for the names the old writer got from music21's MIDI reader (C#, Eb, F#, G#, Bb in every key); then the
commonest disagreements.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tunesmith.theory.spelling import diatonic_tpcs, nearest, spell, tpc_name  # noqa: E402

STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def chorale_paths(limit: int | None = None) -> list:
    """The MusicXML files of the chorales of music21's corpus, in corpus order."""
    from music21 import corpus

    paths = []
    for name in list(corpus.chorales.Iterator(returnType="filename"))[:limit]:
        found = corpus.getWork(name)
        found = found if isinstance(found, list) else [found]
        xml = [p for p in found if str(p).endswith((".mxl", ".xml", ".musicxml"))]
        if xml:  # a few are in the corpus as Humdrum only
            paths.append(xml[0])
    return paths


def written(stream, shift: int) -> dict[tuple[int, int, int], int]:
    """{(part, onset tick, MIDI pitch): TPC as written} for every note that is not a tie's continuation."""
    from tunesmith.io.music21 import _ticks

    out = {}
    for p, part in enumerate(stream.parts):
        for n in part.flatten().notes:
            for pitch in n.pitches:
                tie = n.getTie(pitch) if n.isChord else n.tie
                if tie is not None and tie.type in ("stop", "continue"):
                    continue
                alter = int(pitch.accidental.alter) if pitch.accidental is not None else 0
                step = "FCGDAEB".index(pitch.step) - 1  # the natural's TPC
                out[(p, _ticks(n.offset) + shift, pitch.midi)] = step + 7 * alter
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N chorales")
    args = parser.parse_args(argv)

    import warnings

    from music21 import converter
    from music21 import stream as m21stream

    from tunesmith.io.music21 import _ticks, from_music21

    warnings.filterwarnings("ignore")
    variants = {"full": {}, "no harmony": {"harmony": False}, "key window only": {"harmony": False, "line": False}}
    hits = Counter()
    totals = Counter()
    confusions = Counter()
    t0, pieces, spell_time = time.perf_counter(), 0, 0.0
    for path in chorale_paths(args.limit):
        s = converter.parse(path)
        if len(s.parts) != 4:
            continue
        first = s.parts[0].getElementsByClass(m21stream.Measure).first()
        shift = _ticks(first.paddingLeft) if first is not None and first.paddingLeft else 0
        score = from_music21(s)
        if not score.key_signatures:
            continue
        truth = written(s, shift)
        pieces += 1
        key = score.key_signatures[0]
        for name, options in variants.items():
            t1 = time.perf_counter()
            spelled = spell(score, **options)
            spell_time += time.perf_counter() - t1 if name == "full" else 0.0
            for p, (track, tpcs) in enumerate(zip(score.tracks, spelled)):
                for n, q in zip(track.notes, tpcs):
                    want = truth.get((p, int(n["start"]), int(n["pitch"])))
                    if want is None:
                        continue
                    chromatic = want not in diatonic_tpcs(key)
                    for group in ("all", "outside the scale") if chromatic else ("all",):
                        totals[(name, group)] += 1
                        hits[(name, group)] += int(q) == want
                    if name == "full" and int(q) != want:
                        confusions[(key.name, tpc_name(want), tpc_name(int(q)))] += 1
                    if name == "full":  # the old writer's names (music21's MIDI reader), on the same notes
                        fixed = int(nearest(n["pitch"] % 12, 2.5))  # C# Eb F# G# Bb, whatever the key
                        for group in ("all", "outside the scale") if chromatic else ("all",):
                            totals[("music21's names (old writer)", group)] += 1
                            hits[("music21's names (old writer)", group)] += fixed == want
    print(f"{pieces} chorales, {totals[('full', 'all')]} notes, in {time.perf_counter() - t0:.0f} s "
          f"(spelling {1000 * spell_time / max(pieces, 1):.1f} ms a chorale)")
    print("| speller | all notes | notes outside the key's scale |")
    print("|---|---|---|")
    for name in [*variants, "music21's names (old writer)"]:
        cells = []
        for group in ("all", "outside the scale"):
            n = totals[(name, group)]
            cells.append(f"{100 * hits[(name, group)] / n:.2f}% of {n}" if n else "-")
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    print("\ncommonest disagreements (key, written, spelled: count):")
    for (key, want, got), count in confusions.most_common(15):
        print(f"  {key}: {want} written, {got} spelled: {count}")


if __name__ == "__main__":
    main()
