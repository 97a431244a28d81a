"""Accompany a tune: chord symbols chosen by the accompaniment model, and a bass and chords track under the
melody in a texture that fits the meter and the style.

The model (seq2seq on lead sheets, tunesmith.data.nottingham) reads the whole melody and writes one chord cell
per eighth note, the melody's cells fixed (`given.Fixed` semantics, here over `ChordRules`). A chord may begin
only on a beat; `in_key` allows only chords whose tones are in the key, `key_penalty` makes the others rarer;
with `end_on_tonic` the last melody note is harmonized by the tonic chord. The sampling settings (seed,
temperature, top-k, top-p, beams) are compose's. By default the chords are a *consensus*: `votes` samples drawn
at once, and on each beat the chord most of them chose (the per-beat choice that is right most often; Kumar and
Byrne 2004's minimum-Bayes-risk decoding under per-beat accuracy). One sample changes chord at random moments, a
greedy pass holds each chord too long (a chord cell is Hold 85% of the time, and a change is spread over several
chords); bench/RESULTS.md has the three on Nottingham's valid tunes. Where the samples hold their chords long and
change at different moments, the vote is the tonic on nearly every beat (seen in a 3/4 O'Neill tune and a
restyled 6/8 chorale melody): `votes=1` then gives one sample's motion. The bass and chords are then written by rule
(`texture`): the root in the bass, the chord in close position nearest the previous one.
"""

from __future__ import annotations

import numpy as np

from tunesmith.data.leadsheet import CHORD_TOKENS, FAMILIES, TONES, labels_per_step
from tunesmith.errors import ConfigError
from tunesmith.generation.given import decoder, grid_cells, one_line
from tunesmith.score.model import TPQ, ChordSymbol, Score, Track, note_array
from tunesmith.theory.meter import beat_ticks, is_compound
from tunesmith.theory.pitch import PITCH_CLASS_NAMES

STYLES = ("folk", "chorale")
VOTES = 16  # samples behind a consensus
SPQ = 2  # the lead sheet's grid: eighth notes
BASS, CHORDS = (38, 55), (52, 72)  # registers: the bass's root, the chord's close position
PROGRAMS = {"folk": (40, 24, 32), "chorale": (19, 19, 19)}  # melody, chords, bass: violin/guitar/bass; organ


class ChordRules:
    """The masks of a lead-sheet grid [melody, chord] per step: melody cells fixed, a chord only on a beat, and
    from the first beat on always one."""

    def __init__(self, tokenizer, vocab_size: int, melody: np.ndarray, beats: set[int], key: tuple[int, str],
                 in_key: bool, key_penalty: float, end_step: int | None, batch: int = 1):
        from tunesmith.theory.scales import key_pitch_classes

        self.tok, self.melody, self.beats, self.end_step = tokenizer, melody, beats, end_step
        self.position, self.batch, self.V = 0, batch, vocab_size
        first = len(tokenizer.vocab)
        pcs = key_pitch_classes(*key)
        self.diatonic = np.zeros(vocab_size, bool)
        for i, name in enumerate(CHORD_TOKENS):
            root, fam = PITCH_CLASS_NAMES.index(name.split("_")[1]), name.split("_")[2]
            self.diatonic[first + i] = all((root + t) % 12 in pcs for t in TONES[fam])
        self.chords = np.zeros(vocab_size, bool)
        self.chords[first:first + len(CHORD_TOKENS)] = True
        if in_key:
            self.chords &= self.diatonic
        self.bias = None
        if key_penalty and not in_key:
            self.bias = np.where(self.chords & ~self.diatonic, np.float32(-key_penalty), np.float32(0))
        tonic, mode = key
        self.tonic_id = first + FAMILIES.index("min" if mode == "minor" else "maj") * 12 + tonic
        self.sounding = np.zeros(batch, bool)  # a chord sounds (Hold allowed)
        self.current = np.full(batch, -1)

    def _only(self, ids) -> np.ndarray:
        m = np.zeros((self.batch, self.V), bool)
        m[:, list(ids)] = True
        return m

    def allowed(self) -> np.ndarray:
        step, cell = divmod(self.position, 2)
        if step >= len(self.melody):
            return self._only([self.tok.vocab["EOS"]])
        if cell == 0:
            return self._only([int(self.melody[step])])
        m = np.zeros((self.batch, self.V), bool)
        # no "N.C." once the tune has begun: the first chord on the first beat, and none stops after it. The
        # model would choose one (3% of Nottingham's steps have no chord, often a pickup's), and a run of them
        # feeds itself: in 28 of the 173 valid tunes no chord of the accompanist was right, and the two of them I
        # read were Rest to the end (bench/accompany.py).
        m[:, self.tok.rest_id] = ~self.sounding & (step not in self.beats)
        m[:, self.tok.hold_id] = self.sounding
        if step in self.beats:
            m |= self.chords[None]
        if step == self.end_step:  # the tonic chord, struck now or already sounding
            m[:] = False
            m[:, self.tonic_id] = True
            m[:, self.tok.hold_id] = self.current == self.tonic_id
        return m

    def constrain(self, logits):
        logits = logits + self.bias if self.bias is not None else logits
        return np.where(self.allowed(), logits, np.float32(-np.inf))

    def advance(self, tokens) -> None:
        tokens = np.asarray(tokens, np.int64)
        if self.position % 2 == 1:  # a chord cell: a chord begins, holds, or stops
            first = len(self.tok.vocab)
            chord = (tokens >= first) & (tokens < first + len(CHORD_TOKENS))
            self.current = np.where(chord, tokens, np.where(tokens == self.tok.hold_id, self.current, -1))
            self.sounding = self.current >= 0
        self.position += 1

    def reorder(self, index) -> None:
        self.current, self.sounding = self.current[index], self.sounding[index]


def beat_steps(score: Score, steps: int) -> set[int]:
    """Grid steps (eighths) where beats begin, by the time-signature map."""
    from tunesmith.theory.meter import beat_starts

    grid = TPQ // SPQ
    return {int(t) // grid for t in beat_starts(score, steps * grid) if t % grid == 0}


def choose_chords(model, prefix: list[int], eos: int, rules: ChordRules, request) -> list:
    """Per-step chord labels ((root, family) or None) under `rules`: the best of a beam search with
    `request.beams` > 1, else the consensus of `rules.batch` samples (one sample as drawn)."""
    from tunesmith.generation.generate import beam_search, generate

    steps, n = len(rules.melody), 2 * len(rules.melody) + 1
    if request.beams > 1:
        runs = [beam_search(model, prefix, n, eos, request.beams, rules)]
    else:
        runs = generate(model, prefix, n, eos, rules, request.temperature, request.top_k, request.top_p,
                        request.seed, batch=rules.batch)
    samples = [labels_per_step(rules.tok, np.asarray(r[len(prefix):len(prefix) + 2 * steps][1::2])) for r in runs]
    return samples[0] if len(samples) == 1 else consensus(samples, rules.beats)


def check_votes(votes: int) -> None:
    if not 1 <= votes <= 256:
        raise ConfigError(f"votes must be 1 to 256, not {votes}")


def consensus(samples: list[list], beats: set[int]) -> list:
    """On each beat the label most samples hold there (ties: the earliest sample's), kept until the next beat."""
    from collections import Counter

    out, current = [], None
    for s in range(len(samples[0])):
        if s in beats or s == 0:
            current = Counter(x[s] for x in samples).most_common(1)[0][0]
        out.append(current)
    return out


def accompany(loaded, tune: Score, style: str = "folk", request=None, track: int | None = None,
              votes: int = VOTES):
    """(tune with chord symbols, a chords track and a bass track; token ids; info with warnings); the chords the
    consensus of `votes` samples (1: one sample as drawn; ignored with beams)."""
    from tunesmith.data.leadsheet import chord_cells
    from tunesmith.data.tokenize import with_key
    from tunesmith.generation.request import Request

    if style not in STYLES:
        raise ConfigError(f"unknown style {style!r}; valid: {', '.join(STYLES)}")
    check_votes(votes)
    request = loaded.request(request or Request()).resolved()
    tok = loaded.tokenizer
    if tok.config.get("steps_per_quarter") != SPQ or "Chord_C_maj" not in (loaded.config.get("vocab") or []):
        raise ConfigError(f"{loaded.name} is not an accompaniment model (lead sheets of eighth notes)")
    line, warnings = one_line(tune, track)
    base = with_key(tune.replace(tracks=(line,)))
    if not base.key_signatures or base.key_signatures[0].mode not in ("major", "minor"):
        raise ConfigError("the tune's key is neither major nor minor")
    key = base.key_signatures[0]
    cells = grid_cells(tok, base)[:, 0]  # the melody's cells, one per eighth
    steps = len(cells)
    vocab = loaded.config["vocab"]
    ids = {n: i for i, n in enumerate(vocab)}
    prefix = [ids["BOS"], ids["Style_folk"], ids[f"Key_{PITCH_CLASS_NAMES[key.tonic]}_{key.mode}"], ids["Meter_other"],
              ids["Tempo_120"]]
    src = [*prefix, *np.stack([cells, np.full(steps, len(vocab) - 1)], 1).ravel().tolist(), ids["EOS"]]
    last_onset = int(line.notes["start"][-1]) // (TPQ // SPQ)
    beats = beat_steps(base, steps)
    end = max((b for b in beats if b <= last_onset), default=None) if request.end_on_tonic else None
    rules = ChordRules(tok, len(vocab) - 1, cells, beats, (key.tonic, key.mode), request.in_key,
                       request.key_penalty or 0.0, end, batch=1 if request.beams > 1 else votes)
    labels = choose_chords(decoder(loaded, src), prefix, ids["EOS"], rules, request)
    out = [*prefix, *np.stack([cells, chord_cells(tok, labels)], 1).ravel().tolist(), ids["EOS"]]
    symbols = symbols_of(labels)
    melody_track = Track(line.notes, program=PROGRAMS[style][0], name="melody")
    chords, bass = texture(base, labels, style)
    score = base.replace(tracks=(melody_track, chords, bass), chords=symbols)
    return score, out, {"warnings": warnings, "chords": [chord_name(c) for c in symbols]}


def symbols_of(labels) -> tuple[ChordSymbol, ...]:
    """A chord symbol where the chord changes (per eighth-note labels)."""
    out, previous = [], None
    for s, c in enumerate(labels):
        if c is not None and c != previous:
            out.append(ChordSymbol(s * (TPQ // SPQ), c[0], c[1]))
        previous = c
    return tuple(out)


def chord_name(c: ChordSymbol) -> str:
    return PITCH_CLASS_NAMES[c.root] + {"maj": "", "min": "m"}.get(c.quality, c.quality)


def voicing(root: int, fam: str, previous: list[int] | None) -> list[int]:
    """The chord's tones (a triad, or four for a seventh) in close position inside CHORDS, nearest `previous`."""
    pcs = [(root + t) % 12 for t in TONES[fam]]
    options = []
    for low in range(CHORDS[0], CHORDS[0] + 12):
        if low % 12 in pcs:
            v = sorted(low + (pc - low) % 12 for pc in pcs)
            if v[-1] <= CHORDS[1]:
                options.append(v)
    if not previous:
        return options[len(options) // 2]
    return min(options, key=lambda v: abs(sum(v) / len(v) - sum(previous) / len(previous)))


def texture(score: Score, labels, style: str) -> tuple[Track, Track]:
    """(chords track, bass track) of per-eighth chord labels under the meter of `score`: per beat, in folk style
    oom-pah (bass on the first beat of a bar, chords on the others; in 2/4 and 2/2 bass and chord halves of each
    beat), a jig's bass on the beat and chord on its third eighth in compound meter; block chords held through each
    beat in chorale style."""
    from tunesmith.theory.meter import beat_starts

    grid = TPQ // SPQ
    end = len(labels) * grid
    chords, bass, previous = [], [], None
    bars = score.bar_starts(end)
    for t in (int(x) for x in beat_starts(score, end)):
        c = labels[min(t // grid, len(labels) - 1)]
        if c is None:
            continue
        ts = next((s for s in reversed(score.time_signatures) if s.tick <= t), score.time_signatures[0])
        beat = min(beat_ticks(ts), end - t)
        index = (t - int(bars[np.searchsorted(bars, t, side="right") - 1])) // beat_ticks(ts)  # beat in its bar
        root = BASS[0] + (c[0] - BASS[0]) % 12
        tones = voicing(c[0], c[1], previous)
        previous = tones
        if style == "chorale":  # block chords
            bass.append((root, t, beat))
            chords += [(p, t, beat) for p in tones]
        elif is_compound(ts):  # jig: bass on the beat, chord on its last eighth
            bass.append((root, t, 2 * beat // 3))
            chords += [(p, t + 2 * beat // 3, beat // 3) for p in tones]
        elif ts.numerator == 2:  # two beats a bar: bass and chord share each beat
            bass.append((root, t, beat // 2))
            chords += [(p, t + beat // 2, beat - beat // 2) for p in tones]
        elif index == 0 or (ts.numerator % 2 == 0 and index % 2 == 0):  # oom on 1 (and 3 in 4/4): the bass
            bass.append((root, t, beat))
        else:  # pah: the chord
            chords += [(p, t, beat) for p in tones]
    velocity = 64
    prog = PROGRAMS[style]
    make = lambda rows: note_array([(p, s, d, velocity) for p, s, d in rows if d > 0])  # noqa: E731
    return Track(make(chords), program=prog[1], name="chords"), Track(make(bass), program=prog[2], name="bass")
