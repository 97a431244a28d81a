"""The motif memory: query latency over every prepared corpus, and how often composing with `--motif` brings
the motif back.

    python bench/motif.py                 # both parts
    python bench/motif.py --part queries  # or: bias

Queries: the memory index of every prepared corpus, every split (evaluation.corpus_index.memory_index), built
once and then loaded as the command does; 500 motifs of 3 to 8 notes cut from random places of random pieces
(so each is found at least once) and 100 made up (random intervals and rhythms, mostly found nowhere), each
query timed alone after a warm-up pass, with and without rhythm; and the whole `find` with 10 places resolved
to piece, bar and beat (what `tunesmith motif` prints).

Bias: 20 seeds each with and without the motif, for the chorale model (G A B G in quarters from a downbeat,
G major, 8 bars of 4/4) and the folk model (D E F# D in eighths from a downbeat, D major, 16 bars of 6/8, Irish);
a piece counts when its melody (the top voice) holds the motif transposed or not, rhythm included (the last
note's length free), as `tunesmith motif` matches it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from machine import cpu_name  # noqa: E402

Q = 480


def queries() -> None:
    from tunesmith.assistant.motifs import _resolver, find, motif_of
    from tunesmith.data.cache import Corpus, corpus_dir
    from tunesmith.evaluation.corpus_index import memory_index, prepared_corpora
    from tunesmith.evaluation.originality import Index, melody_tokens, occurrences, token_stream, warm
    from tunesmith.score import Score, Track, note_array

    names = prepared_corpora()
    t0 = time.perf_counter()
    index = memory_index(names)  # built or loaded: the first run builds it
    first = time.perf_counter() - t0
    folder = next(p for p in (corpus_dir(names[0]).parent.parent / "motifs").iterdir() if not p.name.startswith("."))
    t0 = time.perf_counter()
    index = Index.load(folder)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    warm(index)
    warm_s = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    corpora = {n: Corpus.load(corpus_dir(n)) for n in names}
    motifs = []
    while len(motifs) < 500:
        c = corpora[names[rng.integers(len(names))]]
        score = c.score(int(rng.integers(len(c))))
        tokens = melody_tokens(score)
        n = int(rng.integers(2, 8))  # tokens: 3..8 notes
        if len(tokens) >= n + 1:
            at = int(rng.integers(1, len(tokens) - n + 1))
            motifs.append((tokens[at:at + n], int(tokens[at - 1] & 0xFF)))
    for _ in range(100):
        n = int(rng.integers(2, 8))
        tokens = (rng.integers(-7, 8, n) + 128) * 256 + rng.choice([3, 6, 12], n)
        motifs.append((tokens, 6))
    rows = []
    for label, kw in (("intervals and rhythm", {}), ("intervals only", {"rhythm": False})):
        for t, u in motifs[:20]:
            occurrences(index, t, u, **kw)
        us, found = [], []
        for t, u in motifs:
            t0 = time.perf_counter_ns()
            hits = occurrences(index, t, u, **kw)
            us.append((time.perf_counter_ns() - t0) / 1e3)
            found.append(len(hits))
        rows.append((label, us, found))
    resolve = _resolver({})
    melody = Score(tracks=(Track(note_array([(67, 0, Q // 2), (69, Q // 2, Q // 2), (71, Q, Q), (67, 2 * Q, Q)])),))
    motif = motif_of(melody)
    find(motif, index, resolve=resolve)  # the pieces' corpora opened once
    ms = []
    for _ in range(50):
        t0 = time.perf_counter()
        hits = find(motif, index, resolve=resolve)
        ms.append(1000 * (time.perf_counter() - t0))
    print(f"{time.strftime('%Y-%m-%d')}, {cpu_name()}, Python {sys.version.split()[0]}\n")
    print(f"memory of {', '.join(names)}: {len(index):,} pieces, {len(index.keys):,} seeds, "
          f"{len(token_stream(index)):,} melody tokens; first call {first:.2f} s (builds or loads), load "
          f"{1000 * load:.0f} ms, warm-up (token stream) {1000 * warm_s:.0f} ms\n")
    print("| query | motifs | found in (median, max occurrences) | p50 | p99 | max |")
    print("|---|---|---|---|---|---|")
    for label, us, found in rows:
        q = statistics.quantiles(us, n=100, method="inclusive")
        print(f"| {label} | {len(us)} | {int(np.median(found))}, {max(found)} | {q[49]:.0f} µs | {q[98]:.0f} µs "
              f"| {max(us):.0f} µs |")
    q = statistics.quantiles(ms, n=100, method="inclusive")
    print(f"| `find`, 10 places resolved (G A B G, {hits.occurrences} occurrences) | 1 x 50 | | {q[49]:.1f} ms "
          f"| {q[98]:.1f} ms | {max(ms):.1f} ms |")


def bias() -> None:
    from tunesmith.assistant.motifs import motif_of
    from tunesmith.evaluation.originality import build_index, occurrences
    from tunesmith.generation.compose import Request, compose
    from tunesmith.generation.load import load
    from tunesmith.generation.motif import NATS
    from tunesmith.score import Score, TimeSignature, Track, note_array

    cases = {
        "chorales": ([(67, 0, Q), (69, Q, Q), (71, 2 * Q, Q), (67, 3 * Q, Q)], (4, 4),
                     {"key": "G major", "meter": "4/4", "bars": 8}),
        "folk": ([(62, 0, Q // 2), (64, Q // 2, Q // 2), (66, Q, Q // 2), (62, 3 * Q // 2, Q // 2)], (6, 8),
                 {"style": "irish", "key": "D major", "meter": "6/8", "bars": 16}),
    }
    print(f"{time.strftime('%Y-%m-%d')}, {cpu_name()}; the preference: {NATS:g} nats\n")
    print("| model | motif | pieces with the motif: without | with | occurrences a piece: without | with "
          "| compose time a piece: without | with |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (notes, meter, settings) in cases.items():
        loaded = load(name)
        score = Score(tracks=(Track(note_array(notes)),), time_signatures=(TimeSignature(0, *meter),))
        motif = motif_of(score)
        given = tuple((int(n["pitch"]), int(n["start"]), int(n["duration"])) for n in motif.notes)
        row = []
        for m in (None, given):
            counts, seconds = [], []
            for seed in range(20):
                req = loaded.request(Request(seed=seed, motif=m, **settings))
                t0 = time.perf_counter()
                piece, _ = compose(loaded.model, loaded.tokenizer, req, loaded.default_programs)
                seconds.append(time.perf_counter() - t0)
                top = build_index([piece.replace(tracks=piece.tracks[:1])])  # the melody: the top voice
                counts.append(len(occurrences(top, motif.tokens, motif.first_units)))
            row.append((sum(c > 0 for c in counts), float(np.mean(counts)), float(np.mean(seconds))))
        (p0, c0, s0), (p1, c1, s1) = row
        shape = " ".join(f"{n[0]}/{n[2]}" for n in notes)
        print(f"| {name} | {shape} (pitch/ticks) | {p0}/20 | {p1}/20 | {c0:.2f} | {c1:.2f} | {s0:.2f} s "
              f"| {s1:.2f} s |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--part", choices=("queries", "bias", "all"), default="all")
    args = p.parse_args()
    if args.part in ("queries", "all"):
        queries()
        print()
    if args.part in ("bias", "all"):
        bias()


if __name__ == "__main__":
    main()
