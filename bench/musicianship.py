"""Musicianship: do the shipped models compose like the real pieces of their corpus? The table of issue 11,
composed pieces against the real validation pieces, with the same definitions each run.

    python bench/musicianship.py                                  # 40 pieces a model, chorales and folk
    python bench/musicianship.py --models folk --pieces 10 --out out/bench --json musicianship.json

Composed: seeds 0..PIECES-1 with the shipped defaults, chorales 12 bars, folk 16, through the compose job
(`tunesmith.generation.job.compose_files`, as `tunesmith compose` writes them: .mid, .musicxml, .json).
Real: the validation split of the model's corpus (chorales; folk = essen, oneills, ryans, airds).

Each row is a per-piece figure (definitions in the functions named; formulas in their docstrings):

    parallels            evaluation.voice_leading.parallel_fifths + parallel_octaves
    final tonic triad    evaluation.harmony.final_tonic_triad (notated key; Picardy third counts)
    non-tertian beats    evaluation.harmony.non_tertian_beat_rate
    fermatas             a fermata anywhere in the MusicXML: the one the job writes; the corpus's own file for
                         real chorales (the score model carries none)
    keys with 4+ sharps or flats, notated minor, minor by the key finder    evaluation.harmony
    Dorian/Mixolydian    the written <mode> (composed) or the ABC source's K: field (real folk)
    first bar silent, repeated bars and 2-bar units, notes over a bar line   evaluation.structure
    cadence at phrase ends   evaluation.structure.cadence_rate: phrase ends at the soprano's fermatas where the
                         MusicXML has them, else by theory.phrases.phrase_ends (the long note closing each
                         2-bar unit); a cadence by chords (V-I, IV-I, x-V, I and V in root position) in parts,
                         by scale degrees in a melody (theory.phrases). "rule only" ignores fermatas.
                         evaluation.structure.final_cadence: the last note closes with V-I or IV-I (a melody:
                         degree 1 or 3 reached from a tone of V7 or IV)
    parts without a key signature, notes spelled against the key    evaluation.notation, on the MusicXML the
                         job writes, and on the MusicXML the same writer makes of real scores (--real-xml of
                         them, evenly spaced through the split: all 37 chorales, 200 of 1,274 folk tunes)

Columns: the composed mean; the real mean with the per-piece 5th-95th percentile range (for rates and
counts); and the 5th-95th percentile of the mean over 2,000 random sets of as many real pieces as there
are composed ones (drawn with replacement): "inside" when the composed figure falls in that range, the
spread a set of real pieces of that size shows. Then the metrics classifier of `tunesmith evaluate`
(balanced accuracy, 0.5 = indistinguishable) and the three real-range metrics of the compose bench
(bench/compose_quality.py): composed pieces inside the real valid min..max.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tunesmith.evaluation import METRICS
from tunesmith.evaluation.compare import classifier_accuracy, values
from tunesmith.evaluation.harmony import (
    estimated_minor,
    final_tonic_triad,
    key_accidentals,
    non_tertian_beat_rate,
    notated_minor,
)
from tunesmith.evaluation.notation import fermata_ticks, parts_without_key, spelled_against_key, written_modes
from tunesmith.evaluation.structure import (
    cadence_rate,
    final_cadence,
    first_bar_silent,
    repeated_bar_pairs,
    repeated_bars,
    ties_over_bar_lines,
)
from tunesmith.evaluation.voice_leading import parallel_fifths, parallel_octaves
from tunesmith.io.midi import sharps_from_key
from tunesmith.io.musicxml import musicxml_root

BARS = {"chorales": 12, "folk": 16}
RANGE_METRICS = ("in_key_rate", "pitch_class_entropy", "note_density")
MODAL = ("dorian", "mixolydian")
C, F = "chorales", "folk"
# key, label, models, format: "%" a share or rate, "n" a count per piece
ROWS = (
    ("parallels", "parallel fifths + octaves per piece", {C}, "n"),
    ("any_parallel", "pieces with at least one parallel", {C}, "%"),
    ("final_tonic", "final chord a tonic triad", {C}, "%"),
    ("non_tertian", "beats on a non-tertian sonority", {C}, "%"),
    ("fermatas", "pieces with fermatas", {C}, "%"),
    ("sharp_keys", "keys with 4 or more sharps or flats", {C, F}, "%"),
    ("minor", "notated in minor", {F}, "%"),
    ("modal", "notated Dorian or Mixolydian", {F}, "%"),
    ("heard_minor", "minor by the key finder", {F}, "%"),
    ("silent_start", "first bar silent", {F}, "%"),
    ("repeated_bars", "bars repeating an earlier bar", {F}, "%"),
    ("repeated_pairs", "2-bar units repeating an earlier one", {F}, "%"),
    ("ties", "notes over a bar line, per bar line", {C, F}, "n"),
    ("cadence", "phrase ends with a cadence", {C, F}, "%"),
    ("cadence_rule", "phrase ends with a cadence, 2-bar rule only", {C}, "%"),
    ("final_cadence", "ends with a full cadence (V-I, IV-I; in a melody 1 or 3 from V7 or IV)", {C, F}, "%"),
    ("no_key_parts", "parts without a key signature", {C, F}, "%"),
    ("against_key", "notes spelled against the key", {C, F}, "%"),
)


def measure(score, written, own=None, mode: str | None = None) -> dict[str, float]:
    """Every row's figure for one piece. `written`: the MusicXML tree the job's writer made of it (None if
    it could not); `own`: the corpus's own MusicXML (real chorales) for fermatas; `mode`: the notated mode
    of the source (real folk), else the written one."""
    nan = math.nan
    marks = own if own is not None else written
    phrase_fermatas = fermata_ticks(marks, 0) if marks is not None else np.zeros(0)
    p = parallel_fifths(score) + parallel_octaves(score)  # NaN for a melody
    key = score.key_signatures[0] if score.key_signatures else None
    if mode is None:
        modes = written_modes(written) if written is not None else []
        mode = next((m for m in modes if m in MODAL), key.mode if key else None)
    fifths = _fifths(key)
    return {
        "parallels": p, "any_parallel": _at_least(p, 1),
        "final_tonic": final_tonic_triad(score), "non_tertian": non_tertian_beat_rate(score),
        "fermatas": float(len(fermata_ticks(marks)) > 0) if marks is not None else 0.0,
        "sharp_keys": _at_least(key_accidentals(score), 4),
        "minor": notated_minor(score), "modal": nan if mode is None else float(mode in MODAL),
        "heard_minor": estimated_minor(score),
        "silent_start": first_bar_silent(score), "repeated_bars": repeated_bars(score),
        "repeated_pairs": repeated_bar_pairs(score), "ties": ties_over_bar_lines(score),
        "cadence": cadence_rate(score, phrase_fermatas if len(phrase_fermatas) else None),
        "cadence_rule": cadence_rate(score), "final_cadence": final_cadence(score),
        "no_key_parts": parts_without_key(written) if written is not None else nan,
        "against_key": spelled_against_key(written, fifths) if written is not None else nan,
    }


def _at_least(x: float, n: float) -> float:
    return math.nan if math.isnan(x) else float(x >= n)


def _fifths(key) -> int | None:
    return sharps_from_key(key) if key is not None else None


def _tree(path: Path):
    return musicxml_root(path.read_bytes(), path)


def compose_set(model: str, pieces: int, out: Path) -> tuple[list, list[dict]]:
    """(scores, rows) of `pieces` composed pieces, written into `out` by the compose job."""
    from tunesmith.generation.compose import Request
    from tunesmith.generation.job import compose_files
    from tunesmith.io.json import from_dict

    reports = compose_files(model, Request(bars=BARS.get(model, 16), seed=0), out, n=pieces,
                            formats=("mid", "musicxml"))
    scores, rows = [], []
    for r in reports:
        score = from_dict(r["score"])
        xml = r["files"].get("musicxml")
        scores.append(score)
        rows.append(measure(score, _tree(Path(xml)) if xml else None))
    return scores, rows


def abc_mode(text: str) -> str:
    """The mode an ABC tune's K: field names: "minor", "dorian", "mixolydian", ... or "major"."""
    line = next((x for x in text.splitlines() if x.startswith("K:")), "K:C")
    rest = line[2:].strip()
    rest = rest[1:].lstrip("#b").strip().lower() if rest[:1].upper() in "ABCDEFG" else rest.lower()
    names = {"min": "minor", "aeo": "minor", "dor": "dorian", "mix": "mixolydian", "phr": "phrygian",
             "lyd": "lydian", "loc": "locrian"}
    if rest.startswith("m") and not rest.startswith(("maj", "mix", "min")):
        return "minor"
    return names.get(rest[:3], "major")


def real_set(corpus: str, write_xml, xml_pieces: int) -> tuple[list, list[dict]]:
    """(scores, rows) of the validation pieces of a corpus (or group). `write_xml(score, path)` is the job's
    MusicXML writer, applied to `xml_pieces` real scores evenly spaced through the split (music21 writes
    ~8 tunes a second: all 1,274 folk tunes would take minutes for two rows that measure the writer)."""
    from tunesmith.data.corpora import CORPORA, work_units
    from tunesmith.data.prepare import load_corpora

    corpora = load_corpora(corpus)
    total = sum(len(c.indices("valid")) for c in corpora)
    chosen = set(np.linspace(0, total - 1, min(xml_pieces, total)).round().astype(int).tolist()) if total else set()
    scores, rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "real.musicxml"
        for c in corpora:
            valid = {r["id"] for r in c.records if r["split"] == "valid"}
            units = {pid: (p, text) for pid, p, text in work_units(CORPORA[c.name]) if pid in valid}
            for pid, score in c.scores("valid"):
                source, text = units.get(pid, ("", ""))
                own = _tree(Path(source)) if source.endswith((".mxl", ".xml", ".musicxml")) else None
                written = None
                if len(scores) in chosen:
                    try:
                        write_xml(score, path)
                        written = _tree(path)
                    except Exception as e:  # noqa: BLE001 -- a piece the writer fails on is reported, not fatal
                        print(f"{pid}: MusicXML not written ({type(e).__name__}: {e})", file=sys.stderr)
                scores.append(score)
                rows.append(measure(score, written, own, abc_mode(text) if text else None))
    return scores, rows


def column(rows: list[dict], key: str) -> np.ndarray:
    x = np.array([r[key] for r in rows], dtype=float)
    return x[~np.isnan(x)]


def set_range(real: np.ndarray, n: int, draws: int = 2000) -> tuple[float, float]:
    """5th and 95th percentile of the mean of `n` real pieces drawn with replacement (seeded)."""
    if not len(real) or not n:
        return math.nan, math.nan
    rng = np.random.default_rng(0)
    means = real[rng.integers(len(real), size=(draws, n))].mean(1)
    return float(np.percentile(means, 5)), float(np.percentile(means, 95))


def summarize(model: str, gen: list[dict], ref: list[dict], gen_scores, ref_scores) -> dict:
    out = {"rows": {}, "pieces": len(gen), "real_pieces": len(ref)}
    for key, label, models, fmt in ROWS:
        if model not in models:
            continue
        g, r = column(gen, key), column(ref, key)
        lo, hi = set_range(r, len(g))
        mean = float(g.mean()) if len(g) else math.nan
        out["rows"][key] = {
            "label": label, "format": fmt, "composed": mean, "composed_n": len(g),
            "real": float(r.mean()) if len(r) else math.nan, "real_n": len(r),
            "real_p5": float(np.percentile(r, 5)) if len(r) else math.nan,
            "real_p95": float(np.percentile(r, 95)) if len(r) else math.nan,
            "set_p5": lo, "set_p95": hi, "inside": bool(lo <= mean <= hi) if len(g) else None}
    gm, rm = values(gen_scores, METRICS), values(ref_scores, METRICS)
    out["classifier"] = classifier_accuracy(np.column_stack([gm[n] for n in METRICS]),
                                            np.column_stack([rm[n] for n in METRICS]))
    inside_all = np.ones(len(gen_scores), dtype=bool)
    out["ranges"] = {}
    for name in RANGE_METRICS:
        g, r = gm[name], rm[name][~np.isnan(rm[name])]
        inside = (g >= r.min()) & (g <= r.max())  # NaN is never inside
        inside_all &= inside
        out["ranges"][name] = {"composed_mean": float(np.nanmean(g)), "composed_min": float(np.nanmin(g)),
                               "composed_max": float(np.nanmax(g)), "real_mean": float(r.mean()),
                               "real_min": float(r.min()), "real_max": float(r.max()), "inside": int(inside.sum())}
    out["ranges_all_inside"] = int(inside_all.sum())
    return out


def _v(x: float, fmt: str) -> str:
    if x is None or math.isnan(x):
        return "-"
    return f"{100 * x:.1f}%" if fmt == "%" else f"{x:.2f}"


def table(results: dict) -> str:
    lines = ["| model | row | composed | real: mean (per piece 5-95%) | real sets of the composed size: 5-95% "
             "| inside |", "|---|---|---|---|---|---|"]
    for model, res in results.items():
        n, nr = res["pieces"], res["real_pieces"]
        for row in res["rows"].values():
            f = row["format"]
            spread = "" if f == "%" and row["real_p5"] in (0.0, 1.0) and row["real_p95"] in (0.0, 1.0) \
                else f" ({_v(row['real_p5'], f)}..{_v(row['real_p95'], f)})"
            lines.append(f"| {model} | {row['label']} | {_v(row['composed'], f)} | {_v(row['real'], f)}{spread} | "
                         f"{_v(row['set_p5'], f)}..{_v(row['set_p95'], f)} | "
                         f"{'yes' if row['inside'] else 'no' if row['inside'] is not None else '-'} |")
        acc = res["classifier"]
        lines.append(f"| {model} | metrics classifier, balanced accuracy ({n} composed vs {nr} real) | "
                     f"{acc:.3f} | 0.5 = indistinguishable | goal <= 0.65 | {'yes' if acc <= 0.65 else 'no'} |")
        for name, m in res["ranges"].items():
            lines.append(f"| {model} | {name}: mean [min, max] | {m['composed_mean']:.3f} [{m['composed_min']:.3f}, "
                         f"{m['composed_max']:.3f}] | {m['real_mean']:.3f} [{m['real_min']:.3f}, "
                         f"{m['real_max']:.3f}] | composed inside real min..max | {m['inside']}/{n} |")
        lines.append(f"| {model} | all three real-range metrics inside | | | | {res['ranges_all_inside']}/{n} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pieces", type=int, default=40, help="composed pieces per model (seeds 0..N-1)")
    ap.add_argument("--models", default="chorales,folk", help="shipped models; each against its corpus")
    ap.add_argument("--out", help="write the composed pieces into this folder (default: a temporary one)")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--real-xml", type=int, default=200, help="real pieces per model written as MusicXML for "
                    "the two notation rows, evenly spaced through the split (default 200)")
    args = ap.parse_args()
    from tunesmith.render import RENDERERS

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in [m.strip() for m in args.models.split(",") if m.strip()]:
            t0 = time.perf_counter()
            gen_scores, gen = compose_set(model, args.pieces, Path(args.out or tmp) / model)
            t1 = time.perf_counter()
            # a shipped model is named for its corpus: chorales, folk
            ref_scores, ref = real_set(model, RENDERERS["musicxml"], args.real_xml)
            t2 = time.perf_counter()
            results[model] = summarize(model, gen, ref, gen_scores, ref_scores)
            print(f"{model}: composed {len(gen)} in {t1 - t0:.0f} s, measured {len(ref)} real in {t2 - t1:.0f} s, "
                  f"summary {time.perf_counter() - t2:.0f} s", file=sys.stderr, flush=True)
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=float))


if __name__ == "__main__":
    main()
