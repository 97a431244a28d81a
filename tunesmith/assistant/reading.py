"""An attention map read in musical terms: which bar draws on which earlier bar more than its distance explains,
and what the two bars share (melody note for note, the melody transposed, its rhythm, its outline, the bass, the
harmony, a phrase ending), plus how far back the model looks and what its heads follow.

A bar "draws on" an earlier one when the mean attention of its tokens on that bar is at least `LIFT` times what
bars the same distance apart get in this piece (the model attends mostly to the last beat or two, so raw shares
would only say "nearby"); the bar just before and the bar itself are left out, as every bar leans on them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tunesmith.score.model import Score

LIFT = 1.5  # times the share usual at that distance
MIN_SHARE = 0.02  # of a bar's attention, below which nothing is read
MAX_READINGS = 5
INTERVALS = {1: "a semitone", 2: "a step", 3: "a minor third", 4: "a major third", 5: "a fourth", 6: "a tritone",
             7: "a fifth", 8: "a minor sixth", 9: "a major sixth", 10: "a minor seventh", 11: "a major seventh",
             12: "an octave"}


class Reading(NamedTuple):
    bar: str  # the bar that draws
    source: str  # the earlier bar it draws on
    share: float  # mean share of the bar's attention on the source bar
    lift: float  # that share over the share usual at that distance
    shared: tuple[str, ...]  # what the two bars have in common, in words
    text: str


def _bar_notes(notes: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return notes[(notes["start"] >= lo) & (notes["start"] < hi)]


def _line(notes: np.ndarray, lo: int) -> tuple[tuple, tuple, tuple]:
    """(pitches, rhythm (onset in the bar, duration), contour) of one voice's notes in a bar."""
    pitches = tuple(int(p) for p in notes["pitch"])
    rhythm = tuple((int(s) - lo, int(d)) for s, d in zip(notes["start"], notes["duration"]))
    contour = tuple(int(np.sign(d)) for d in np.diff(notes["pitch"].astype(int)))
    return pitches, rhythm, contour


def shared(score: Score, ticks: tuple[int, int], earlier: tuple[int, int], numerals=None) -> list[str]:
    """What bar `ticks` (lo, hi) shares with bar `earlier`: melody (the top voice), bass, harmony, phrase end."""
    out = []
    voices = [t.notes for t in score.tracks if len(t)]
    if not voices:
        return out
    (lo, hi), (elo, ehi) = ticks, earlier
    melody = [_line(_bar_notes(voices[0], a, b), a) for a, b in ((lo, hi), (elo, ehi))]
    (p, r, c), (ep, er, ec) = melody
    intervals, eintervals = np.diff(p).tolist(), np.diff(ep).tolist()
    if p and p == ep and r == er:
        out.append("its melody returns note for note")
    elif len(p) > 1 and intervals == eintervals and r == er:
        shift = p[0] - ep[0]
        name = INTERVALS.get(abs(shift), f"{abs(shift)} semitones")
        sequence = "" if abs(shift) % 12 == 0 else " (a sequence)"
        out.append(f"its melody returns {name} {'higher' if shift > 0 else 'lower'}{sequence}")
    elif len(p) > 1 and intervals == eintervals:
        out.append("its melody's intervals return in a new rhythm")
    elif len(r) > 1 and r == er:
        out.append("its rhythm returns")
    elif len(c) > 1 and c == ec:
        out.append("its melodic outline returns")
    if len(voices) > 1:
        bp, br, _ = _line(_bar_notes(voices[-1], lo, hi), lo)
        ebp, ebr, _ = _line(_bar_notes(voices[-1], elo, ehi), elo)
        if bp and bp == ebp and br == ebr:
            out.append("its bass returns")
    if numerals is not None:
        here, there = numerals(lo, hi), numerals(elo, ehi)
        if here and here == there:
            out.append(f"its harmony returns ({' '.join(here)})")
    fermatas = score.fermatas
    if any(lo <= f < hi for f in fermatas) and any(elo <= f < ehi for f in fermatas):
        out.append("both bars end a phrase")
    return out + landmarks(voices[0], (elo, ehi), lo)


def landmarks(melody: np.ndarray, span: tuple[int, int], upto: int) -> list[str]:
    """What marks bar `span` in the melody before tick `upto`: the lowest or highest note so far."""
    from tunesmith.theory.pitch import pitch_name

    before = melody[melody["start"] < upto]
    inside = _bar_notes(melody, *span)
    if not len(inside) or len(before) < 2:
        return []
    out = []
    for word, pick in (("lowest", np.min), ("highest", np.max)):
        p = int(pick(before["pitch"]))
        if p in inside["pitch"].tolist() and p != int(pick(before["pitch"][before["start"] >= span[1]], initial=p)):
            out.append(f"it holds the melody's {word} note so far ({pitch_name(p)})")
    return out


def _numerals(score: Score):
    """A function (lo, hi) -> the Roman numerals of the beats in that span, merged where they repeat."""
    from tunesmith.theory.harmony import harmonize

    harmony = harmonize(score)

    def numerals(lo: int, hi: int) -> list[str]:
        figures = [h.numeral.figure for h in harmony if lo <= h.tick < hi and h.numeral is not None]
        return [f for i, f in enumerate(figures) if not i or figures[i - 1] != f]

    return numerals


def baseline(bars: np.ndarray, reach: int | None = None) -> np.ndarray:
    """(bars, bars) the share a bar would get from a bar that many bars later if nothing but distance and the
    bar itself mattered: the larger of the mean at that distance and the median the bar gets from the bars two
    or more later that can see it (within `reach` bars): a bar that every bar attends to, as models park
    attention on a few tokens (the first ones above all), is no link of its own."""
    n = len(bars)
    reach = n if reach is None else max(reach, 2)
    usual = np.array([np.mean(np.diagonal(bars, -d)) for d in range(n)])
    column = np.array([np.median(bars[j + 2:j + reach + 1, j]) if j + 2 < n else 0.0 for j in range(n)])
    i, j = np.indices((n, n))
    return np.maximum(usual[np.clip(i - j, 0, n - 1)], column[j])


def _reach(amap) -> int | None:
    return None if not amap.window_steps else int(amap.window_steps // amap.steps_per_bar)


def draws(amap) -> list[tuple[int, int, float, float]]:
    """(bar, earlier bar, share, lift) of every pair two bars or more apart whose share is at least LIFT times
    its `baseline` and at least MIN_SHARE, strongest lift first."""
    bars = amap.mean("bar_weights")  # (bars, bars)
    base = baseline(bars, _reach(amap))
    out = []
    for i in range(len(bars)):
        for j in range(i - 1):
            share = float(bars[i, j])
            if share >= MIN_SHARE and base[i, j] > 0 and share >= LIFT * base[i, j]:
                out.append((i, j, share, share / base[i, j]))
    return sorted(out, key=lambda x: -x[3])


def read_map(amap, limit: int = MAX_READINGS) -> list[Reading]:
    """What an attention map says in musical terms (see the module doc): the strongest draws of one bar on an
    earlier one (at most one per drawing bar), each with what the two bars share; then each bar whose melody
    repeats an earlier bar's (note for note or transposed), with how much the model draws on that bar."""
    score, grid = amap.score, amap.ticks_per_step
    starts = [int(s) * grid for s in amap.bar_starts] + [int(amap.score.end)]
    numerals = _numerals(score) if len(score.tracks) > 1 else None
    bars = amap.mean("bar_weights")
    base = baseline(bars, _reach(amap))
    span = lambda k: (starts[k], starts[k + 1])  # noqa: E731
    seen, explained, unexplained = set(), [], []
    for i, j, share, lift in draws(amap):
        if i in seen:
            continue
        seen.add(i)
        what = shared(score, span(i), span(j), numerals)
        bar, source = amap.bar_labels[i], amap.bar_labels[j]
        opening = " — the opening returns" if j == 0 and what and what[0].startswith("its melody") else ""
        if what:
            because = "; ".join(what)
        elif j == 0:  # the first tokens: where attention models park what they do not need (an attention sink)
            because = "nothing of it repeats there; the first bar is where attention models park attention they " \
                      "do not need"
        else:
            because = "no melody, rhythm, bass or harmony of it repeats there"
        text = (f"bar {bar} draws on bar {source} ({share:.0%} of its attention, {lift:.1f}x what it would get "
                f"from distance alone): {because}{opening}")
        (explained if what else unexplained).append(Reading(bar, source, round(share, 4), round(lift, 2),
                                                            tuple(what), text))
    # what the bars share first, as a musician would look for it; a couple of the links nothing explains after
    out = (explained + unexplained[:2])[:limit]
    drawn = {(r.bar, r.source) for r in out}
    repeats = 0
    for i in range(len(bars)):
        for j in range(i):  # the earliest bar it repeats
            melody = [w for w in shared(score, span(i), span(j)) if w.startswith("its melody returns")]
            if not melody:
                continue
            if (amap.bar_labels[i], amap.bar_labels[j]) in drawn:  # read above already
                break
            lift = round(float(bars[i, j] / base[i, j]), 1) if base[i, j] > 0 else 0.0  # as printed
            if bars[i, j] <= 0:
                verdict = "but that bar is out of the model's sight (beyond its window)"
            elif lift >= LIFT:
                verdict = "and the model draws on it"
            else:
                verdict = "but the model draws on it no more than distance explains: it writes the repeat from " \
                          "what comes just before"
            how = melody[0].removeprefix("its melody returns ")
            text = (f"bar {amap.bar_labels[i]} repeats the melody of bar {amap.bar_labels[j]} {how}, {verdict} "
                    f"({float(bars[i, j]):.0%} of its attention, {lift:.1f}x)")
            out.append(Reading(amap.bar_labels[i], amap.bar_labels[j], round(float(bars[i, j]), 4), round(lift, 2),
                               tuple(melody), text))
            repeats += 1
            break
        if repeats >= limit:
            break
    return out


def overview(amap) -> list[str]:
    """A few sentences on the whole map: how near the model looks, what the conditioning gets, its window, and
    the heads that stand out (the one that looks furthest back, the one most within its own voice)."""
    beats = amap.mean("by_beats")
    near = float(beats[:2].sum())
    lines = [f"A note is chosen with {near:.0%} of the attention on the beat it falls in and the beat before, "
             f"{float(beats[2:].sum()):.0%} further back, {float(amap.mean('conditioning')):.0%} on the "
             "conditioning (style, key, meter, tempo)."]
    if amap.window_steps:
        bars = amap.window_steps / amap.steps_per_bar
        lines.append(f"The model sees {bars:.1f} bars back at most (its window of {amap.window_steps} grid steps).")
    d = np.arange(amap.by_beats.shape[-1])
    reach = (amap.by_beats * d).sum(-1) / np.maximum(amap.by_beats.sum(-1), 1e-9)  # (L, H) mean distance, beats
    far = np.unravel_index(int(reach.argmax()), reach.shape)
    received = amap.note_weights[far].sum(0)  # (N,) how much each note is attended to by that head
    top = np.argsort(-received)[:4]
    bars = sorted({int(np.searchsorted(amap.bar_starts, amap.notes[k].step, side="right")) - 1 for k in top})
    names = [amap.bar_labels[b] for b in bars]
    where = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    lines.append(f"Layer {far[0] + 1}, head {far[1] + 1} looks furthest back: {float(reach[far]):.1f} beats on "
                 f"average, anchored on notes of bar{'s' * (len(names) > 1)} {where}.")
    if amap.to_voice.shape[-1] > 1:
        own = np.unravel_index(int(amap.same_voice.argmax()), amap.same_voice.shape)
        lines.append(f"Layer {own[0] + 1}, head {own[1] + 1} follows the voice being written: "
                     f"{float(amap.same_voice[own]):.0%} of its attention on that voice's own notes.")
    return lines
