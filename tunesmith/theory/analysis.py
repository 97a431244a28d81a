"""What a score holds, as a dict (`describe`) and as text for `tunesmith info` (`summary`)."""

from __future__ import annotations

import numpy as np

from tunesmith.score.model import Score
from tunesmith.theory.keys import DEFAULT_PROFILE, estimate_key
from tunesmith.theory.pitch import pitch_name

_METADATA_FIELDS = ("title", "composer", "collection", "style", "license", "source")


def _bar_number(bars: np.ndarray, tick: int) -> int:
    """1-based number of the bar that holds `tick`."""
    return int(np.searchsorted(bars, tick, side="right"))


def describe(score: Score) -> dict:
    """Tracks, note counts, duration, keys, meters, tempos and metadata, as plain JSON-ready values.

    Metadata fields appear only when set. Bars are counted on the time-signature grid up to the last note
    end; "estimated_key" uses the default key profile and is None for a score without pitched notes.
    """
    bars = score.bar_starts()
    end = score.end
    tracks = []
    for t in score.tracks:
        p = t.notes["pitch"]
        tracks.append({
            "name": t.name,
            "program": t.program,
            "is_drum": t.is_drum,
            "notes": len(t),
            "pitch_range": [int(p.min()), int(p.max())] if len(p) else None,
        })
    estimated = estimate_key(score)
    out = {k: getattr(score.metadata, k) for k in _METADATA_FIELDS if getattr(score.metadata, k)}
    out.update({
        "tracks": tracks,
        "notes": score.note_count,
        "seconds": round(score.duration_seconds, 3),
        "bars": len(bars) if end else 0,
        "key_signatures": [
            {"tick": k.tick, "bar": _bar_number(bars, k.tick), "key": k.name} for k in score.key_signatures
        ],
        "estimated_key": estimated.name if estimated else None,
        "key_profile": DEFAULT_PROFILE,
        "time_signatures": [
            {"tick": s.tick, "bar": _bar_number(bars, s.tick), "meter": f"{s.numerator}/{s.denominator}"}
            for s in score.time_signatures
        ],
        "tempos": [
            {"tick": t.tick, "bar": _bar_number(bars, t.tick), "qpm": round(t.qpm, 2)} for t in score.tempos
        ],
    })
    return out


def _changes(events: list[dict], field: str, unit: str = "") -> str:
    if len(events) == 1:
        return f"{events[0][field]}{unit}"
    return ", ".join(f"{e[field]}{unit} (bar {e['bar']})" for e in events)


def summary(score: Score) -> str:
    """A multi-line human-readable description of a score (what `tunesmith info FILE` prints)."""
    d = describe(score)
    lines = [f"{k:<10}{d[k]}" for k in _METADATA_FIELDS if k in d]
    lines.append(f"{'tracks':<10}{len(d['tracks'])}")
    for i, t in enumerate(d["tracks"], 1):
        kind = "drums" if t["is_drum"] else f"program {t['program']:>3}"
        rng = "-".join(map(pitch_name, t["pitch_range"])) if t["pitch_range"] and not t["is_drum"] else ""
        name = t["name"] or "(unnamed)"
        lines.append(f"  {i:>2}  {name:<20.20} {kind:<12} {t['notes']:>6} notes  {rng}".rstrip())
    lines.append(f"{'notes':<10}{d['notes']}")
    lines.append(f"{'duration':<10}{d['seconds']:.1f} s, {d['bars']} bars")
    notated = _changes(d["key_signatures"], "key") if d["key_signatures"] else "none"
    lines.append(f"{'key':<10}{notated} (notated); {d['estimated_key'] or 'unknown'} (estimated)")
    lines.append(f"{'meter':<10}{_changes(d['time_signatures'], 'meter')}")
    lines.append(f"{'tempo':<10}{_changes(d['tempos'], 'qpm', ' qpm')}")
    return "\n".join(lines)
