"""Compose and continue pieces with a voice-grid model: conditioning prefix, constraints, sampling or beam search.

The conditioning tokens the caller leaves open (style, key, meter, tempo) are drawn from the model itself,
restricted to that token family, so an unconstrained piece starts like the pieces the model learned from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
import torch

from tunesmith.errors import ConfigError
from tunesmith.generation.constraints import (
    EndOnTonic,
    Grammar,
    HoldPenalty,
    Key,
    KeyPenalty,
    Length,
    MaxLeap,
    MaxRest,
    VoiceRange,
    Voices,
)
from tunesmith.generation.generate import beam_search, generate, one_thread, stream_tokens
from tunesmith.generation.part_writing import VoiceLeading
from tunesmith.generation.request import Request, parse_key
from tunesmith.generation.rules import Rules, check_feasible
from tunesmith.generation.structure import (
    BarlineHold,
    ChordAt,
    Chords,
    Echo,
    FinalChord,
    Opening,
    Silent,
    Together,
    chord_of,
    form_plan,
    phrase_plan,
)
from tunesmith.representation.base import TEMPO_BINS, Conditioning, tempo_bin
from tunesmith.score.model import TPQ, Score, Tempo, Track
from tunesmith.theory.pitch import PITCH_CLASS_NAMES

# comfortable ranges: SATB for four voices (a little wider than the textbook ones), a melody for one
DEFAULT_RANGES = {
    4: ((62, 79), (57, 72), (51, 67), (38, 61)),  # Bach's chorales, 0.5th to 99.5th percentile per voice (train)
    1: ((55, 93),),
}
FAMILIES = ("Style", "Key", "Meter", "Tempo")
VOICE_NAMES = ("soprano", "alto", "tenor", "bass")


def meter_steps(meter: str, steps_per_quarter: int) -> tuple[int, int]:
    """(steps per bar, steps per beat); compound meters (6/8, 9/8, 12/8) beat in dotted quarters."""
    n, d = map(int, meter.split("/"))
    bar = n * 4 * steps_per_quarter // d
    beat = 3 * bar // n if d == 8 and n % 3 == 0 and n > 3 else 4 * steps_per_quarter // d
    return bar, max(beat, 1)


@torch.inference_mode()
@one_thread()
def complete_prefix(model, tokenizer, request: Request, primer: Conditioning | None = None) -> list[int]:
    """BOS and one token per conditioning family: the requested one (or the primer's), else drawn from the model."""
    vocab = tokenizer.vocab
    given = {
        "Style": request.style or (primer.style if primer else None),
        "Key": parse_key(request.key) if request.key else (primer.key if primer else None),
        "Meter": request.meter or (primer.meter if primer else None),
        "Tempo": tempo_bin(request.tempo) if request.tempo else (primer.tempo if primer else None),
    }
    if given["Meter"] is not None and f"Meter_{given['Meter']}" not in vocab:
        raise ConfigError(f"meter {given['Meter']} has no token; valid: "
                          + ", ".join(n[6:] for n in vocab.names if n.startswith("Meter_")))
    gen = torch.Generator().manual_seed(request.seed)
    ids = [vocab["BOS"]]
    for fam in FAMILIES:
        if fam == "Key" and given[fam] is None and request.key_prior:
            given[fam] = _draw_key(request.key_prior, vocab.name(ids[-1]).removeprefix("Style_"), gen)
        if given[fam] is not None:
            ids.append(vocab[f"{fam}_{given[fam]}"])
            continue
        logits, _ = model(torch.tensor([ids]))
        allowed = torch.zeros(len(vocab), dtype=torch.bool)
        allowed[vocab.ids(f"{fam}_")] = True
        if fam == "Meter":
            allowed[vocab["Meter_other"]] = False  # a piece needs a bar length
        probs = logits[0, -1].float().masked_fill(~allowed, float("-inf")).softmax(-1)
        ids.append(int(torch.multinomial(probs, 1, generator=gen)))
    return ids


def _draw_key(prior: dict, style: str, gen: torch.Generator) -> str:
    """A key token value drawn from the prior of `style` (all styles together if it has none)."""
    keys = prior.get(style)
    if not keys:
        keys = {}
        for per_style in prior.values():
            for k, w in per_style.items():
                keys[k] = keys.get(k, 0) + w
    names = sorted(keys)
    weights = torch.tensor([float(keys[k]) for k in names], dtype=torch.float64)
    return names[int(torch.multinomial(weights, 1, generator=gen))]


def rules_for(tokenizer, cond: Conditioning, request: Request, steps: int, batch: int = 1, plan=None) -> Rules:
    """The constraints of a request as Rules over a voice grid of `steps` steps in total; `plan` is a
    `phrase_plan` (its last phrase is the ending)."""
    voices = tokenizer.config["voices"]
    spq = tokenizer.config["steps_per_quarter"]
    tonic_name, mode = cond.key.split("_")
    tonic = PITCH_CLASS_NAMES.index(tonic_name)
    ranges = request.ranges or DEFAULT_RANGES.get(voices)
    playing = request.voices or voices
    if not 1 <= playing <= voices:
        raise ConfigError(f"this model writes 1..{voices} voices, not {playing}")
    cons = [Grammar(), Length(steps)]
    request = request.resolved()
    scale = Key(tonic, mode)
    if request.in_key:
        cons.append(scale)
    elif request.key_penalty > 0:
        cons.append(KeyPenalty(scale.pcs, request.key_penalty))
    if request.hold_penalty > 0:
        cons.append(HoldPenalty(request.hold_penalty))
    if ranges:
        cons.append(VoiceRange(list(ranges)))
    if request.max_leap is not None:
        cons.append(MaxLeap(request.max_leap))
    if playing < voices:
        cons.append(Voices(playing))
    bar, beat = meter_steps(cond.meter, spq)
    if request.max_rest is not None:
        # in a chorale (a plan) the voices sing throughout, as Bach's do: a rest of a beat at most
        longest = min(round(request.max_rest * bar), beat) if plan else round(request.max_rest * bar)
        cons.append(MaxRest(longest, voices=tuple(range(playing)), start=plan.start if plan else 0))
    if request.barline_penalty > 0:
        cons.append(BarlineHold(request.barline_penalty, bar))
    cons.append(Opening(bar, beat))
    ending = beat
    if plan:
        everyone = tuple(range(playing))
        entry = chord_of(tonic, mode, "I")
        if plan.tonic_first:
            entry["melody"] = frozenset({tonic % 12})
        chords = [ChordAt(plan.start, 1, voices=everyone, **entry)]  # all enter on I
        for step, hold, kind in plan.ends:
            last = step + hold >= steps  # the last phrase's chord is the ending, below
            if not last:
                cons.append(Together(step + hold, everyone))  # the next phrase: no breath of silence
            if kind != "rel" and not (last and plan.free_final):  # V7 before I or V; a related key freely
                chords.append(ChordAt(step - beat, 1, voices=everyone, **chord_of(tonic, mode, "V7")))
            if not last:
                chords.append(ChordAt(step, hold, voices=everyone, **chord_of(tonic, mode, kind)))
            elif plan.free_final:  # the final chord as the model likes, but struck together and held
                anything = frozenset(range(12))
                chords.append(ChordAt(step, hold, pcs=anything, root=tonic % 12, thirds=anything,
                                      melody=frozenset({tonic % 12}), voices=everyone))
        cons += [Silent(plan.start), Chords(chords)]
        ending = steps - plan.ends[-1][0]
    if request.end_on_tonic:
        cons.append(EndOnTonic(tonic, steps, ending, voices=tuple(sorted({0, playing - 1}))))
        if playing > 2 and not (plan and plan.free_final):
            cons.append(FinalChord(tonic, mode, steps, ending, voices=tuple(range(1, playing - 1))))
    if request.phrases and playing == 1:  # a tune: its phrases return as the form says
        cons += [Echo(start, stop, offset) for start, stop, offset in form_plan(steps // bar, bar, request.seed)]
    if request.voice_leading and playing > 1:
        cons.append(VoiceLeading())
    if request.motif:
        from tunesmith.generation.motif import MotifBias

        cons.append(MotifBias.of(request.motif, TPQ // spq, bar))
    check_feasible(tokenizer, cons)
    return Rules(tokenizer, batch, cons)


def _sample(model, tokenizer, prefix, rules, request, max_new):
    eos = tokenizer.vocab["EOS"]
    if request.beams > 1:
        return beam_search(model, prefix, max_new, eos, request.beams, rules)
    return generate(model, prefix, max_new, eos, rules, request.temperature, request.top_k, request.top_p,
                    request.seed)[0]


def finish(score: Score, request: Request, default_programs=None, drop_empty: bool = True) -> Score:
    """Exact tempo and instruments on a decoded score; voices that never played are dropped."""
    programs = request.programs or default_programs
    if len(score.tracks) == len(VOICE_NAMES) and not any(t.name for t in score.tracks):
        score = score.replace(tracks=tuple(t.replace(name=n) for t, n in zip(score.tracks, VOICE_NAMES)))
    if programs:
        tracks = tuple(t.replace(program=int(programs[min(i, len(programs) - 1)])) for i, t in enumerate(score.tracks))
        score = score.replace(tracks=tracks)
    if request.tempo:
        score = score.replace(tempos=(Tempo(0, float(request.tempo)),))
    if drop_empty:
        score = score.replace(tracks=tuple(t for t in score.tracks if len(t)) or score.tracks[:1])
    return score


def compose(model, tokenizer, request: Request | None = None, default_programs=None) -> tuple[Score, list[int]]:
    """One piece: (score, token ids); no request: the defaults."""
    request = (request or Request()).resolved().check_for(tokenizer)
    prefix = complete_prefix(model, tokenizer, request)
    cond = Conditioning.from_tokens([tokenizer.vocab.name(i) for i in prefix])
    spq = tokenizer.config["steps_per_quarter"]
    bar, beat = meter_steps(cond.meter, spq)
    steps = request.bars * bar
    plan = phrases_for(tokenizer, request, bar, beat)
    rules = rules_for(tokenizer, cond, request, steps, plan=plan)
    ids = _sample(model, tokenizer, prefix, rules, request, steps * tokenizer.config["voices"] + 1)
    score = finish(tokenizer.decode(ids), request, default_programs)
    fermatas = tuple(step * (TPQ // spq) for step, _, _ in plan.ends) if plan else ()
    return score.replace(fermatas=fermatas), ids


def phrases_for(tokenizer, request: Request, bar: int, beat: int):
    """The phrase plan of a piece in parts (three voices or more: a chorale), None for a tune or on request."""
    playing = request.voices or tokenizer.config["voices"]
    if not request.phrases or playing < 3 or not request.end_on_tonic or request.bars < 2:
        return None  # a single bar has no room for a phrase
    return phrase_plan(request.bars, bar, beat, request.seed)


def continue_score(model, tokenizer, primer: Score, request: Request, default_programs=None) -> Score:
    """The primer, unchanged, followed by `request.bars` new bars in the primer's key and meter (unless the
    request overrides them). The new music starts at the first bar line after the primer ends."""
    from tunesmith.data.tokenize import with_key

    request = request.resolved().check_for(tokenizer)
    primer = with_key(primer)
    cond_primer = Conditioning.of(primer)
    prefix = complete_prefix(model, tokenizer, request, cond_primer)
    cond = Conditioning.from_tokens([tokenizer.vocab.name(i) for i in prefix])
    spq = tokenizer.config["steps_per_quarter"]
    bar, _ = meter_steps(cond.meter, spq)
    grid = TPQ // spq
    primer_steps = -(-primer.end // grid)
    primer_steps = -(-primer_steps // bar) * bar  # up to the next bar line
    body = tokenizer.encode(primer, Conditioning())[1:-1]  # without BOS/EOS
    voices = tokenizer.config["voices"]
    body = body + [tokenizer.rest_id] * (primer_steps * voices - len(body))
    steps = primer_steps + request.bars * bar
    rules = rules_for(tokenizer, cond, request, steps)
    for t in body:
        rules.advance([t])
    ids = _sample(model, tokenizer, prefix + body, rules, request, request.bars * bar * voices + 1)
    new = tokenizer.decode(ids)
    start = primer_steps * grid
    tracks = []
    for i in range(max(len(primer.tracks), len(new.tracks))):
        # a voice the primer lacks takes the model's instrument for it; the primer's keep theirs
        program = default_programs[min(i, len(default_programs) - 1)] if default_programs else new.tracks[i].program
        old = primer.tracks[i] if i < len(primer.tracks) else Track(program=int(program), name=new.tracks[i].name)
        added = new.tracks[i].notes if i < len(new.tracks) else old.notes[:0]
        added = added[added["start"] >= start]
        tracks.append(old.replace(notes=np.concatenate([old.notes, added])))
    return finish(primer.replace(tracks=tuple(tracks)), request, drop_empty=False)


class StreamedNote(NamedTuple):
    voice: int
    pitch: int
    start: int  # ticks
    duration: int  # ticks


def stream_notes(model, tokenizer, request: Request | None = None) -> Iterator[StreamedNote]:
    """Compose and yield each note as soon as it is decided: when the token after it shows it has ended."""
    request = (request or Request()).resolved().check_for(tokenizer)
    prefix = complete_prefix(model, tokenizer, request)
    cond = Conditioning.from_tokens([tokenizer.vocab.name(i) for i in prefix])
    spq = tokenizer.config["steps_per_quarter"]
    bar, beat = meter_steps(cond.meter, spq)
    steps = request.bars * bar
    voices, grid = tokenizer.config["voices"], TPQ // spq
    rules = rules_for(tokenizer, cond, request, steps, plan=phrases_for(tokenizer, request, bar, beat))
    sounding: list[list[int] | None] = [None] * voices  # [pitch, start step, steps]
    position = 0
    eos = tokenizer.vocab["EOS"]
    for tok in stream_tokens(model, prefix, steps * voices + 1, eos, rules, request.temperature, request.top_k,
                             request.top_p, request.seed):
        t = int(tok[0])
        if t == eos:
            break
        v, step = position % voices, position // voices
        position += 1
        if t == tokenizer.hold_id and sounding[v] is not None:
            sounding[v][2] += 1
            continue
        if sounding[v] is not None:
            p, s, n = sounding[v]
            yield StreamedNote(v, p, s * grid, n * grid)
            sounding[v] = None
        if t != tokenizer.rest_id and t != tokenizer.hold_id:
            sounding[v] = [int(tokenizer.vocab.name(t).split("_")[1]), step, 1]
    for v, note in enumerate(sounding):
        if note is not None:
            yield StreamedNote(v, note[0], note[1] * grid, note[2] * grid)


__all__ = ["DEFAULT_RANGES", "TEMPO_BINS", "Request", "StreamedNote", "compose", "continue_score",
           "meter_steps", "parse_key", "rules_for", "stream_notes"]
