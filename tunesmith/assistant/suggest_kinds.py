"""The four kinds of suggestion (see `assistant.suggest`): each draws drafts of the bar (`assistant.rewrite`),
judges them (the model's log-likelihood, the voice-leading faults around the bar) and says why in one line."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunesmith.assistant.suggest import DRAFTS, FAULT_NATS, VOICE_NAMES, Suggestion
from tunesmith.errors import ConfigError, ScoreError
from tunesmith.score.model import Score


@dataclass
class Judged:
    tokens: np.ndarray  # (bar steps, voices)
    log_likelihood: float
    faults: list  # theory.faults.Fault in the bars around, on the window's ticks
    analysis: object  # assistant.analysis.Analysis of the window (None for a single melody)
    offset: int  # tick of the window's start in the piece
    score: Score  # the whole piece with the draft in place


def draw(place, free, count: int, seed: int, extra=(), drop=()) -> list[Judged]:
    """`count` drafts of the bar with the voices `free` rewritten under the place's rules plus `extra` (less the
    rule classes in `drop`), duplicates removed, each judged. No free voice: the bar as written."""
    from tunesmith.assistant.rewrite import distinct, drafts, splice
    from tunesmith.generation.constraints import Rules

    tok, g = place.loaded.tokenizer, place.grid
    constraints = [c for c in place.constraints if not isinstance(c, tuple(drop))] + list(extra)
    rules = Rules(tok, count, constraints)
    found = distinct(drafts(place.loaded.model, tok, g, place.lo, place.hi, free, rules, count, seed, place.top_p))
    out = []
    for d in found:
        tokens = g.tokens.copy()
        tokens[place.lo:place.hi] = d.tokens
        decoded = tok.decode(g.ids(tokens, tok.vocab["EOS"]))
        parts = [(place.tracks[v], decoded.tracks[v].notes) for v in sorted(free)]
        score = splice(place.score, parts, place.lo * g.ticks, place.hi * g.ticks)
        faults, analysis, offset = _faults(score, place)
        out.append(Judged(d.tokens, d.log_likelihood, faults, analysis, offset, score))
    return out


def _faults(score: Score, place):
    """(faults, analysis, offset) of the bar and the bars either side, by the check's rules."""
    from tunesmith.assistant.analysis import analyze_score
    from tunesmith.score.transforms import slice_bars

    if sum(1 for t in score.tracks if len(t) and not t.is_drum) < 2:
        return [], None, 0
    starts = score.bar_starts(max(score.end, 1))
    i = int(np.searchsorted(starts, place.lo * place.grid.ticks, side="right")) - 1
    first = max(i - 1, 0)
    try:
        analysis = analyze_score(slice_bars(score, first, i + 2), rules=place.rules)
    except ScoreError:
        return [], None, 0
    return analysis.faults, analysis, int(starts[first])


def value(j: Judged) -> float:
    return j.log_likelihood - FAULT_NATS * len(j.faults)


def _best(found: list[Judged], n: int) -> list[Judged]:
    return sorted(found, key=value, reverse=True)[:n]


def _names(place) -> tuple[str, ...]:
    voices = place.loaded.tokenizer.config["voices"]
    return VOICE_NAMES.get(voices, tuple(f"voice {v + 1}" for v in range(voices)))


def _notes(place, j: Judged, free) -> dict[str, str]:
    from tunesmith.assistant.fixes import spell

    lo, hi = place.lo * place.grid.ticks, place.hi * place.grid.ticks
    out = {}
    for v in sorted(free):
        t = place.tracks[v]
        n = j.score.tracks[t].notes if t < len(j.score.tracks) else []
        inside = [spell(int(p), place.key) for p, s in zip(n["pitch"], n["start"]) if lo <= s < hi] if len(n) else []
        out[_names(place)[v]] = " ".join(inside) or "rests"
    return out


def _harmony(place, j: Judged) -> str:
    """The bar's Roman numerals, repeats merged ("I V6 I"); "" for a single melody."""
    if j.analysis is None:
        return ""
    lo, hi = place.lo * place.grid.ticks - j.offset, place.hi * place.grid.ticks - j.offset
    figures = [h.numeral.figure for h in j.analysis.harmony if lo <= h.tick < hi and h.numeral is not None]
    return " ".join(f for i, f in enumerate(figures) if not i or figures[i - 1] != f)


def _suggestions(place, kind: str, found: list[Judged], base, free, reason) -> list[Suggestion]:
    out = []
    for rank, j in enumerate(found, 1):
        gain = j.log_likelihood - base.log_likelihood if base else 0.0
        out.append(Suggestion(kind, rank, reason(j, gain), round(j.log_likelihood, 2), round(gain, 2),
                              len(j.faults), _notes(place, j, free), {}, j.score))
    return out


def _judgement(place, j: Judged, gain: float, base) -> str:
    versus = f"{gain:+.1f} nats against the bar as written" if base is not None else f"{j.log_likelihood:.1f} nats"
    if j.analysis is None:  # a single melody: no voice-leading to judge
        return versus
    faults = len(j.faults)
    was = f" (as written: {len(base.faults)})" if base is not None else ""
    return f"{versus}; {faults} voice-leading fault{'s' * (faults != 1)} around it{was}"


def continuation(place, voice, n, seed, base):
    voices = place.loaded.tokenizer.config["voices"]
    free = {voice} if voice is not None else set(range(voices))
    found = _best(draw(place, free, DRAFTS * n, seed), n)
    what = f"the {_names(place)[voice]} of bar {place.label}" if voice is not None else f"bar {place.label}"
    how = "a new bar after the end" if base is None else f"{what} written afresh from what comes before"

    def reason(j, gain):
        harmony = _harmony(place, j)
        return f"{how}{f' ({harmony})' if harmony else ''}: {_judgement(place, j, gain, base)}"

    return _suggestions(place, "continuation", found, base, free, reason), ""


def reharmonization(place, voice, n, seed, base):
    voices = place.loaded.tokenizer.config["voices"]
    if voices < 2:
        return [], "the model writes a single melody: there are no other voices to rewrite"
    if base is None:
        return [], "a new bar has no melody to keep: ask for a continuation"
    if voice == 0:
        return [], "the melody is what a reharmonization keeps: name another voice"
    tok, melody = place.loaded.tokenizer, base.tokens[:, 0]
    if not ((melody >= tok.first_pitch_id) | (melody == tok.hold_id)).any():
        return [], f"the melody rests throughout bar {place.label}"
    free = {voice} if voice is not None else set(range(1, voices))
    found = _best(draw(place, free, DRAFTS * n, seed), n)
    before = _harmony(place, base)

    def reason(j, gain):
        now = _harmony(place, j)
        change = f"the harmony {now} (was {before})" if now and before and now != before else \
            f"the same harmony ({now}) voiced anew" if now else "the other voices rewritten"
        return f"the melody kept, {change}: {_judgement(place, j, gain, base)}"

    return _suggestions(place, "reharmonization", found, base, free, reason), ""


def cadence(place, voice, n, seed, base):
    from tunesmith.generation.constraints import EndOnTonic
    from tunesmith.generation.structure import ChordAt, Chords, FinalChord, chord_of

    if base is None:
        return [], "a new bar: ask for a continuation, then a cadence in it"
    g, voices = place.grid, place.loaded.tokenizer.config["voices"]
    fermata = [f // g.ticks for f in place.score.fermatas if place.lo <= f // g.ticks < place.hi]
    ending = 2 * place.beat if place.bar >= 3 * place.beat else place.bar
    at = fermata[0] if fermata else max(place.hi - ending, place.lo)
    hold = place.hi - at
    if fermata:  # the chord under the fermata lasts as long as the melody's note there: the next phrase may begin
        top = place.score.tracks[place.tracks[0]].notes
        under = top[(top["start"] <= at * g.ticks) & (top["start"] + top["duration"] > at * g.ticks)]
        if len(under):
            hold = int(np.clip((under["start"][0] + under["duration"][0]) // g.ticks - at, 1, hold))
    everyone = tuple(range(voices))
    free = {voice} if voice is not None else set(everyone)
    found, failed = [], []
    for i, degree in enumerate(("I",) if place.last else ("I", "V")):
        chords = [ChordAt(at, hold, voices=everyone, **_cadence_chord(place, degree))]
        if at - place.beat >= place.lo and voices > 1:
            chords.insert(0, ChordAt(at - place.beat, 1, voices=everyone, **chord_of(place.key.tonic, place.key.mode,
                                                                                      "V7")))
        try:
            found += [(degree, j) for j in draw(place, free, DRAFTS * n, seed + i, [Chords(chords)],
                                                drop=(EndOnTonic, FinalChord))]
        except ConfigError as e:  # the kept voices leave the chord no room
            failed.append(f"{degree}: {e}")
    if not found:
        return [], "no cadence fits the voices kept here" + (f" ({failed[0]})" if failed else "")
    degree_of = {id(j): d for d, j in found}
    best = _best([j for _, j in found], n)
    beat = 1 + (at - place.lo) / place.beat
    dominant = at - place.beat >= place.lo and voices > 1  # V7 placed before the chord (else it is in the bar before)

    def reason(j, gain):
        degree = degree_of[id(j)]
        melody = j.score.tracks[place.tracks[0]].notes
        top = melody[(melody["start"] <= at * g.ticks) & (melody["start"] + melody["duration"] > at * g.ticks)]
        on_tonic = len(top) and int(top["pitch"][0]) % 12 == place.key.tonic % 12
        if voices == 1:
            name = "the tune comes home to the tonic" if degree == "I" else "the tune pauses on the dominant"
        elif degree == "V":
            name = "a half cadence on V" + (" (V7 of it before)" if dominant else "")
        elif dominant:
            name = "a perfect authentic cadence, V7 to I with the tonic on top" if on_tonic else \
                "an imperfect authentic cadence, V7 to I"
        else:
            name = "the phrase closes on I" + (" with the tonic on top" if on_tonic else "")
        return f"{name} on beat {beat:g}: {_judgement(place, j, gain, base)}"

    return _suggestions(place, "cadence", best, base, free, reason), ""


def _cadence_chord(place, degree: str) -> dict:
    from tunesmith.generation.structure import chord_of

    chord = chord_of(place.key.tonic, place.key.mode, degree)
    if degree == "I" and place.loaded.tokenizer.config["voices"] == 1:
        chord["melody"] = frozenset({place.key.tonic % 12})  # a tune ends on the tonic itself
    return chord


def fix(place, voice, n, seed, base):
    from tunesmith.assistant.fixes import suggest as check_fix
    from tunesmith.assistant.formats import RULE_NAMES
    from tunesmith.theory.faults import voice_name
    from tunesmith.theory.voice_leading import sonorities

    if base is None:
        return [], "a new bar has no faults yet"
    if base.analysis is None:
        return [], "a single melody has no voice-leading faults"
    lo, hi = place.lo * place.grid.ticks - base.offset, place.hi * place.grid.ticks - base.offset
    here = [f for f in base.faults if lo <= f.tick < hi]
    if not here:
        return [], f"the check finds no voice-leading fault in bar {place.label}"
    a = base.analysis
    parts = [a.score.tracks[i].notes for i in a.voice_tracks]
    times, grid = sonorities(parts)
    out, seen = [], set()
    for f in here:
        if (f.rule, f.voices) in seen:
            continue
        seen.add((f.rule, f.voices))
        count = len(a.voice_tracks)
        names = "/".join(voice_name(v, count) for v in f.voices)
        advice = check_fix(f, times, grid, a.spans, place.rules)
        candidates = sorted(f.voices, key=lambda v: (v == count - 1, v == 0))  # inner voices first, the bass last
        model_voices = [place.tracks.index(a.voice_tracks[v]) for v in candidates if a.voice_tracks[v] in place.tracks]
        if voice is not None:
            model_voices = [v for v in model_voices if v == voice]
        for mv in model_voices:
            drafts = draw(place, {mv}, DRAFTS * n, seed)
            gone = [j for j in drafts if len(j.faults) < len(base.faults)
                    and not any(g.rule == f.rule and lo <= g.tick < hi for g in j.faults)]
            if gone:
                beat = 1 + (f.tick - lo) / (place.beat * place.grid.ticks)

                def reason(j, gain, f=f, names=names, beat=beat, advice=advice):
                    return (f"removes the {RULE_NAMES.get(f.rule, f.rule)} ({names}) on beat {beat:g}: "
                            f"{_judgement(place, j, gain, base)}; the check's own fix: {advice}")

                out += _suggestions(place, "fix", _best(gone, n - len(out)), base, {mv}, reason)
                break
        if len(out) >= n:
            break
    for rank, s in enumerate(out, 1):
        s.rank = rank
    return out, "" if out else "no rewrite of one voice that the model finds removes the fault: " + \
        f"the check's advice stands ({check_fix(here[0], times, grid, a.spans, place.rules)})"


KIND_FUNCTIONS = {"continuation": continuation, "reharmonization": reharmonization, "cadence": cadence, "fix": fix}
