"""An analysis written out: a text report, a JSON-ready dict, and RomanText.

RomanText (Tymoczko, Gotham, Cuthbert & Ariza 2019, "The RomanText format", ISMIR) is written by hand here:
it is a few lines of text per measure, and music21's writer would need the analysis turned into a music21
stream first (and music21 at import). What we write is checked by re-reading it with music21's parser
(tests/assistant/test_formats.py). One line per measure in which a numeral starts ("m12 V6/5 b3 I"),
the key before the first numeral and at each change ("G: I", "b3 D: V"), the measure numbers of the score
(a pickup is m0), a "Time Signature:" line at each change of meter.
"""

from __future__ import annotations

import collections

from tunesmith.assistant.analysis import Analysis, where_text
from tunesmith.score.model import KeySignature
from tunesmith.theory.cadences import KINDS
from tunesmith.theory.faults import voice_name
from tunesmith.theory.pitch import pitch_name

MAJOR_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MINOR_NAMES = ("c", "c#", "d", "eb", "e", "f", "f#", "g", "g#", "a", "bb", "b")
RULE_NAMES = {
    "parallel_fifths": "parallel fifths", "parallel_octaves": "parallel octaves", "hidden_fifths": "hidden fifths",
    "hidden_octaves": "hidden octaves", "voice_crossing": "voice crossing", "voice_overlap": "voice overlap",
    "spacing": "spacing", "range": "out of range", "unresolved_leading_tone": "unresolved leading tone",
    "unresolved_seventh": "unresolved seventh", "dissonance": "dissonance", "leap": "leap too large",
    "ends": "first or last sonority",
}


def key_label(key: KeySignature) -> str:
    """RomanText's key: "G" for G major, "f#" for F-sharp minor, with the usual spelling of the key."""
    return (MINOR_NAMES if key.mode == "minor" else MAJOR_NAMES)[key.tonic % 12]


def key_name(key: KeySignature) -> str:
    """"G major", "F# minor"."""
    return f"{key_label(key).capitalize()} {key.mode}"


def _beat(beat: float) -> str:
    return f"{beat:.2f}".rstrip("0").rstrip(".")


def to_rntxt(analysis: Analysis) -> str:
    """The analysis in RomanText (see the module doc)."""
    md = analysis.score.metadata
    sig = analysis.time_signature(0)
    lines = [f"Composer: {md.composer or 'unknown'}", f"Title: {md.title or md.source or 'untitled'}",
             "Analyst: tunesmith analyze (automatic)", "Proofreader: none", "",
             f"Time Signature: {sig.numerator}/{sig.denominator}", ""]
    current_key, current_sig, line, number = None, sig, "", None
    for h in analysis.spans:
        if h.numeral is None:
            continue
        m, beat = analysis.where(h.tick)
        ts = analysis.time_signature(h.tick)
        if m != number:
            if line:
                lines.append(line)
            if (ts.numerator, ts.denominator) != (current_sig.numerator, current_sig.denominator):
                lines.append(f"Time Signature: {ts.numerator}/{ts.denominator}")
                current_sig = ts
            line, number = f"m{m}", m
        token = "" if beat == 1 else f" b{_beat(beat)}"
        label = key_label(h.key)
        token += f" {label}: " if label != current_key else " "
        current_key = label
        line += token + h.numeral.figure
    if line:
        lines.append(line)
    return "\n".join(lines) + "\n"


def to_dict(analysis: Analysis) -> dict:
    """The analysis as plain JSON-ready values; every event has its tick, measure and beat."""
    def at(tick: int) -> dict:
        m, beat = analysis.where(tick)
        return {"tick": int(tick), "measure": m, "beat": round(beat, 3)}

    n = analysis.voices
    return {
        "title": analysis.score.metadata.title,
        "voices": n,
        "keys": [{**at(k.tick), "key": key_name(k)} for k in analysis.keys()],
        "harmony": [{**at(h.tick), "end": h.end, "key": key_name(h.key), "numeral": h.numeral.figure,
                     "chord": h.chord.name, "function": h.numeral.function}
                    for h in analysis.spans if h.numeral is not None],
        "phrase_ends": [at(t) for t in analysis.phrase_ends.tolist()],
        "cadences": [{**at(c.tick), "kind": c.kind, "name": KINDS[c.kind], "key": key_name(c.key),
                      "approach": c.approach, "arrival": c.arrival} for c in analysis.cadences],
        "non_chord_tones": [{**at(t.tick), "voice": voice_name(t.voice, n), "pitch": pitch_name(t.pitch),
                             "kind": t.kind} for t in analysis.non_chord_tones],
        "faults": [{**at(f.tick), "rule": f.rule, "voices": [voice_name(v, n) for v in f.voices],
                    "pitches": [pitch_name(p) for p in f.pitches], "from": at(f.before)} for f in analysis.faults],
        "seconds": round(analysis.seconds, 4),
    }


def to_text(analysis: Analysis, name: str = "") -> str:
    """A report for people: keys, the numerals (as RomanText), phrases and cadences, non-chord tones, faults."""
    n = analysis.voices
    sig = analysis.time_signature(0)
    out = [f"Analysis of {name or analysis.score.metadata.title or 'the score'}: {n} voice{'s' * (n != 1)}, "
           f"{sig.numerator}/{sig.denominator}, {len(analysis.measures.numbers)} bars"]
    keys = analysis.keys()
    out.append("Keys: " + "; ".join(f"{key_name(k)} ({where_text(analysis, k.tick)})" for k in keys))
    out += ["", "Harmony (RomanText):"]
    out += ["  " + line for line in to_rntxt(analysis).splitlines() if line.startswith("m")]
    ends = ", ".join(where_text(analysis, t) for t in analysis.phrase_ends.tolist())
    out += ["", f"Phrase ends ({'fermatas' if analysis.score.fermatas else 'by rule'}): {ends or 'none'}", "Cadences:"]
    out += [f"  {where_text(analysis, c.tick):<20} {c.kind:<4} {KINDS[c.kind]} in {key_name(c.key)} "
            f"({c.approach} -> {c.arrival})" for c in analysis.cadences] or ["  none"]
    kinds = collections.Counter(t.kind for t in analysis.non_chord_tones)
    out += ["", f"Non-chord tones ({len(analysis.non_chord_tones)}): "
            + ", ".join(f"{k} {c}" for k, c in kinds.most_common())]
    out += [f"  {where_text(analysis, t.tick):<20} {voice_name(t.voice, n):<8} {pitch_name(t.pitch):<4} {t.kind}"
            for t in analysis.non_chord_tones]
    if n >= 2:
        out += ["", f"Voice-leading faults ({len(analysis.faults)}):"]
        out += [f"  {where_text(analysis, f.tick):<20} {RULE_NAMES.get(f.rule, f.rule):<24} "
                f"{'/'.join(voice_name(v, n) for v in f.voices):<14} {' '.join(pitch_name(p) for p in f.pitches)}"
                for f in analysis.faults] or ["  none"]
    out += ["", f"Analysed in {analysis.seconds * 1000:.1f} ms."]
    return "\n".join(out) + "\n"
