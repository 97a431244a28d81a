"""The motif memory: where else a motif occurs, the motifs a piece keeps returning to, and how to develop one.

A motif is a short melody (its skyline), written as the originality index writes melodies: one token per note
after the first, (interval from the note before, duration), so a transposed motif is the same motif. The
memory is that index over every prepared corpus and every split (`evaluation.corpus_index.memory_index`:
the built-in corpora and the user's own, `tunesmith data prepare --midi-dir`), with the pieces of a studio
library added when given; a query is a binary search of its sorted keys (`evaluation.originality.occurrences`).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from tunesmith.errors import ScoreError
from tunesmith.evaluation.originality import DURATION_UNIT, Index, locate, melody_tokens, occurrences
from tunesmith.score.model import Score, Track
from tunesmith.score.transforms import skyline

MIN_NOTES = 3  # two intervals: a shorter "motif" is found in every tune
MAX_NOTES = 32
PLACES = 10  # occurrences resolved to piece, bar and beat in a report


@dataclass(frozen=True)
class Motif:
    """A motif: its melody's notes, tokens (see the module doc) and the first note's duration in index units."""

    notes: np.ndarray  # NOTE_DTYPE, one voice, from its first onset
    tokens: np.ndarray
    first_units: int

    def __len__(self) -> int:
        return len(self.notes)

    def score(self, like: Score | None = None) -> Score:
        """The motif as a one-track score (with the maps of `like`, if given)."""
        base = like if like is not None else Score()
        return base.replace(tracks=(Track(self.notes, name="motif"),), fermatas=())


def motif_of(score: Score, name: str = "the motif") -> Motif:
    """The motif a score holds: its melody (skyline), from its first note. ScoreError for fewer than MIN_NOTES
    notes or more than MAX_NOTES."""
    notes = skyline(score).tracks[0].notes.copy()
    if not len(notes):
        raise ScoreError(f"{name} holds no notes")
    if len(notes) < MIN_NOTES:
        raise ScoreError(f"{name} has {len(notes)} note{'s' * (len(notes) != 1)}; a motif needs at least "
                         f"{MIN_NOTES}")
    if len(notes) > MAX_NOTES:
        raise ScoreError(f"{name} has {len(notes)} notes; a motif has at most {MAX_NOTES} (give the few notes "
                         "that make it, or use --recurring to find a piece's motifs)")
    notes["start"] -= notes["start"][0]
    first = int(np.clip(np.rint(notes["duration"][0] / DURATION_UNIT), 0, 255))
    return Motif(notes, melody_tokens(Score(tracks=(Track(notes),))), first)


def request_notes(path) -> tuple[tuple[int, int, int], ...]:
    """The motif of a file as `Request.motif` takes it (`tunesmith compose --motif FILE`): (pitch, start tick,
    duration ticks) of its melody, where its first note falls in the bar kept (a motif may begin on a
    pickup). A one-line TunesmithError for a file that holds no motif."""
    from tunesmith.io import read

    score = read(path)
    motif = motif_of(score, Path(path).name)
    first = int(skyline(score).tracks[0].notes["start"][0])
    bar = max(score.time_signatures[0].bar_ticks, 1)
    return tuple((int(n["pitch"]), int(n["start"]) + first % bar, int(n["duration"])) for n in motif.notes)


@dataclass
class Hits:
    """Where a motif occurs in the memory."""

    occurrences: int
    pieces: int
    per_corpus: dict[str, int]
    places: list[dict]  # the first PLACES: piece id, title, bar, beat, transposition from the motif
    seconds: float  # the query, without resolving places


def find(motif: Motif, index: Index, rhythm: bool = True, places: int = PLACES, resolve=None) -> Hits:
    """Every occurrence of `motif` in `index` (transposed or not; with `rhythm` its durations too, the last
    note's left free). `resolve(piece_id) -> Score | None` turns the first `places` into bars and titles."""
    t0 = time.perf_counter()
    found = occurrences(index, motif.tokens, motif.first_units, free_end=True, rhythm=rhythm)
    seconds = time.perf_counter() - t0
    where = locate(index, found)
    per: dict[str, int] = {}
    for pid, _ in where:
        per[pid.split("/")[0]] = per.get(pid.split("/")[0], 0) + 1
    out = []
    for pid, note in where[:places]:
        place = {"piece": pid, "note": note}
        score = resolve(pid) if resolve else None
        if score is not None:
            place.update(_place(score, note, motif))
        out.append(place)
    return Hits(len(found), len({p for p, _ in where}), per, out, round(seconds, 6))


def _place(score: Score, note: int, motif: Motif) -> dict:
    """Title, bar (from 1), beat (from 1) and transposition of an occurrence at melody note `note`."""
    from tunesmith.theory.meter import beat_ticks

    melody = skyline(score).tracks[0].notes
    if note >= len(melody):
        return {"title": score.metadata.title}
    tick = int(melody["start"][note])
    bars = score.bar_starts(max(score.end, tick + 1))
    bar = int(np.searchsorted(bars, tick, side="right")) - 1
    ts = score.time_signatures[0]
    return {"title": score.metadata.title, "bar": bar + 1,
            "beat": round(1 + (tick - int(bars[bar])) / beat_ticks(ts), 2),
            "transposed": int(melody["pitch"][note]) - int(motif.notes["pitch"][0])}


def recurring(score: Score, min_notes: int = MIN_NOTES + 1, max_notes: int = 8, limit: int = 5) -> list[dict]:
    """The motifs a piece returns to: melody fragments of min_notes..max_notes notes (intervals and rhythm,
    transposition-invariant, the first note's length included) heard at least twice without overlapping,
    longest and most frequent first; a fragment mostly inside motifs already listed is not listed again.
    Each as {"notes": count, "count": times, "at": [melody note numbers], "motif": Motif}."""
    tokens = melody_tokens(score)
    melody = skyline(score).tracks[0].notes
    units = np.clip(np.rint(melody["duration"] / DURATION_UNIT), 0, 255).astype(np.int64)  # as `find` matches
    found = []
    covered = np.zeros(len(tokens) + 1, np.int64)  # how many listed motifs hold each token
    for n in range(max_notes, min_notes - 1, -1):
        k = n - 1  # tokens
        starts: dict[tuple, list[int]] = {}
        for i in range(len(tokens) - k + 1):
            starts.setdefault((int(units[i]), *tokens[i:i + k].tolist()), []).append(i)
        for at in starts.values():
            kept = [at[0]]
            for a in at[1:]:
                if a >= kept[-1] + k:  # no overlap
                    kept.append(a)
            # a fragment mostly inside motifs already listed (a longer one, or the same passage shifted by a
            # note) is no motif of its own
            if len(kept) < 2 or all(covered[a:a + k].astype(bool).mean() > 0.5 for a in kept):
                continue
            found.append({"notes": n, "count": len(kept), "at": kept})
            for a in kept:
                covered[a:a + k] += 1
    found.sort(key=lambda m: (-m["notes"] * m["count"], m["at"][0]))
    out = []
    for m in found[:limit]:
        a = m["at"][0]
        notes = melody[a:a + m["notes"]].copy()
        notes["start"] -= notes["start"][0]
        motif = Motif(notes, tokens[a:a + m["notes"] - 1], int(units[a]))
        out.append({**m, "motif": motif})
    return out


@dataclass
class MotifReport:
    path: str
    notes: int
    index: str  # what the memory holds
    index_pieces: int
    hits: dict  # asdict(Hits) of the motif itself
    developments: list[dict] = field(default_factory=list)  # name, how, hits, files
    recurring: list[dict] = field(default_factory=list)  # with --recurring: the piece's own motifs and hits
    files: dict[str, str] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def motif_job(path, corpora=None, out=None, recurring_motifs: bool = False, pieces=(), places: int = PLACES,
              rhythm: bool = True) -> MotifReport:
    """Read a motif file (or, with `recurring_motifs`, a piece whose own motifs are found) and say where else
    it occurs across the prepared corpora (`corpora`: names, default all) and `pieces` ((id, Score) pairs, e.g.
    a studio library), with its six developments and how common each is. With `out`, the developments are
    written as MIDI and MusicXML. Bad input raises a TunesmithError with a one-line message."""
    from tunesmith.evaluation.corpus_index import memory_index, merged
    from tunesmith.evaluation.originality import build_index, warm
    from tunesmith.io import read
    from tunesmith.theory.motif import developments

    t0 = time.perf_counter()
    score = read(path)
    if not len(score.all_notes()):
        raise ScoreError(f"{Path(path).name} holds no notes")
    motif = None if recurring_motifs else motif_of(score, Path(path).name)  # a bad motif says so before loading
    index = memory_index(corpora)
    pieces = list(pieces)
    if pieces:
        index = merged(index, build_index(pieces, source="library"))
    warm(index)  # built once per index: the queries below are then binary searches
    t1 = time.perf_counter()
    resolve = _resolver(dict(pieces))
    report = MotifReport(str(path), 0, index.source, len(index), {})
    if recurring_motifs:
        for m in recurring(score):
            hits = find(m["motif"], index, rhythm, places, resolve)
            report.recurring.append({"notes": m["notes"], "count": m["count"], "at": m["at"], "hits": asdict(hits)})
        report.notes = len(skyline(score).tracks[0].notes)
        report.timings_s = {"load": round(t1 - t0, 3), "queries": round(time.perf_counter() - t1, 3)}
        return report
    report.notes = len(motif)
    report.hits = asdict(find(motif, index, rhythm, places, resolve))
    key = score.key_signatures[0] if score.key_signatures else None
    if key is None:
        from tunesmith.theory.keys import estimate_key

        key = estimate_key(score) if len(motif) >= 6 else None  # a few notes name no key
    for d in developments(motif.score(score), key):
        hits = find(motif_of(d.score, d.name), index, rhythm, 0) if len(skyline(d.score).tracks[0]) >= MIN_NOTES \
            else None
        entry = {"name": d.name, "how": d.how, "occurrences": hits.occurrences if hits else None,
                 "pieces": hits.pieces if hits else None}
        if out is not None:
            entry["files"] = _write(d.score, Path(out), f"{Path(path).stem}-{d.name}")
        report.developments.append(entry)
    report.timings_s = {"load": round(t1 - t0, 3), "queries": round(time.perf_counter() - t1, 3)}
    return report


def _write(score: Score, out: Path, stem: str) -> dict[str, str]:
    from tunesmith.render import render_all

    return {k: str(v) for k, v in render_all(score, out, stem, ("mid", "musicxml")).items()}


def _resolver(extra: dict):
    """piece id -> Score: from the given pieces, else from the prepared corpus named by the id's first part."""
    from tunesmith.data.cache import Corpus, corpus_dir
    from tunesmith.errors import TunesmithError

    corpora: dict[str, tuple] = {}

    def resolve(pid: str) -> Score | None:
        if pid in extra:
            return extra[pid]
        name = pid.split("/")[0]
        if name not in corpora:
            try:
                c = Corpus.load(corpus_dir(name))
                corpora[name] = (c, {r["id"]: i for i, r in enumerate(c.records)})
            except TunesmithError:
                corpora[name] = (None, {})
        c, ids = corpora[name]
        return c.score(ids[pid]) if c is not None and pid in ids else None

    return resolve


def _times(occurrences: int, pieces: int) -> str:
    return f"{occurrences} time{'s' * (occurrences != 1)} in {pieces} piece{'s' * (pieces != 1)}"


def report_text(report: MotifReport) -> str:
    """The report for people."""
    lines = []
    if report.recurring:
        lines.append(f"{report.path}: {len(report.recurring)} motif(s) it returns to; the memory holds "
                     f"{report.index_pieces} pieces ({report.index})")
        for m in report.recurring:
            h = m["hits"]
            lines.append(f"- {m['notes']} notes, heard {m['count']} times (from melody note {m['at'][0] + 1}): "
                         f"in the corpora {_times(h['occurrences'], h['pieces'])}")
        return "\n".join(lines) + "\n"
    h = report.hits
    lines.append(f"{report.path}: a motif of {report.notes} notes occurs {_times(h['occurrences'], h['pieces'])} "
                 f"of {report.index_pieces} ({report.index}); query {h['seconds'] * 1000:.2f} ms")
    if h["per_corpus"]:
        lines.append("  " + ", ".join(f"{c} {n}" for c, n in sorted(h["per_corpus"].items(), key=lambda x: -x[1])))
    for p in h["places"]:
        where = f"bar {p['bar']}, beat {p['beat']:g}" if "bar" in p else f"melody note {p['note'] + 1}"
        shift = f", transposed {p['transposed']:+d}" if p.get("transposed") else ""
        lines.append(f"  {p['piece']} ({p.get('title') or 'untitled'}): {where}{shift}")
    lines += ["", "developments:"]
    for d in report.developments:
        count = "" if d["occurrences"] is None else f" — {_times(d['occurrences'], d['pieces'])}"
        lines.append(f"  {d['name']}: {d['how']}{count}")
        for p in d.get("files", {}).values():
            lines.append(f"    {p}")
    return "\n".join(lines) + "\n"
