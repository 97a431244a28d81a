"""Infill: write chosen bars of a piece again (every voice or a few) so that they join what comes before and
what comes after.

A conditional model trained for it (tunesmith.data.tasks: "infill") reads the whole piece with the span's cells
masked, so it sees both sides; a voice-grid sequence model sees only what comes before. Either way the music
before the span is the prompt, the voices kept inside the span are fixed cells (`given.Fixed`), the constraints
of `compose` apply to every written cell, and the music after the span is kept as it was.

Bars are numbered as the engraved score numbers them (tunesmith.io.notation.bars): a pickup is bar 0.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.generation.compose import finish, rules_for
from tunesmith.generation.given import FREE, Fixed, decoder, empty_tracks, grid_cells, mask_id, source_ids
from tunesmith.generation.request import Request
from tunesmith.representation.base import Conditioning
from tunesmith.score.model import TPQ, Score

VOICE_NAMES = {4: ("soprano", "alto", "tenor", "bass"), 1: ("melody",)}


def parse_bars(text: str) -> tuple[int, int]:
    """"5-6" -> (5, 6); "7" -> (7, 7)."""
    first, _, last = str(text).partition("-")
    try:
        a, b = int(first), int(last or first)
    except ValueError:
        raise ConfigError(f"--bars takes FIRST-LAST bar numbers, e.g. 5-6, not {text!r}") from None
    if a > b:
        raise ConfigError(f"--bars {text}: the first bar comes after the last")
    return a, b


def parse_voices(text: str | None, voices: int) -> list[int]:
    """"alto,tenor" (names, or numbers from 1 = the top voice) -> voice indices; None: every voice."""
    names = VOICE_NAMES.get(voices, tuple(str(i + 1) for i in range(voices)))
    if not text:
        return list(range(voices))
    out = []
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        if part.isdigit() and 1 <= int(part) <= voices:
            out.append(int(part) - 1)
        elif part in names:
            out.append(names.index(part))
        else:
            raise ConfigError(f"unknown voice {part!r}; valid: {', '.join(names)} (or 1..{voices})")
    return sorted(set(out))


def span_ticks(score: Score, first: int, last: int) -> tuple[int, int]:
    """[start, end) ticks of bars first..last as printed."""
    from tunesmith.io.notation import bars

    printed = bars(score)
    numbers = [b.number for b in printed]
    if not printed or first < numbers[0] or last > numbers[-1]:
        have = f"{numbers[0]}..{numbers[-1]}" if printed else "none"
        raise ConfigError(f"bars {first}-{last} lie outside the piece: its bars are {have}")
    chosen = [b for b in printed if first <= b.number <= last]
    return chosen[0].start, chosen[-1].end


def infill(loaded, piece: Score, first: int, last: int, voices: str | None = None, request: Request | None = None):
    """(piece with bars first..last written again in `voices`, token ids, info with warnings)."""
    from tunesmith.data.tokenize import with_key
    from tunesmith.generation.generate import beam_search, generate

    tok = loaded.tokenizer
    V, spq = tok.config["voices"], tok.config["steps_per_quarter"]
    request = loaded.request(request or Request()).check_for(tok)
    pitched = [t for t in piece.tracks if not t.is_drum]
    if sum(1 for t in pitched if len(t)) > V:
        raise ConfigError(f"the piece has {len(pitched)} voices; the model {loaded.name} writes {V}")
    chosen = parse_voices(voices, V)
    start, end = span_ticks(piece, first, last)
    grid = TPQ // spq
    a, b = start // grid, -(-end // grid)
    piece = with_key(piece.replace(tracks=(*pitched, *empty_tracks(V - len(pitched)))))
    warnings = []
    inside = [t.notes[(t.notes["start"] < end) & (t.notes["start"] + t.notes["duration"] > start)]
              for i, t in enumerate(piece.tracks) if i in chosen]
    if not any(len(n) for n in inside):
        warnings.append(f"bars {first}-{last} hold no notes in the chosen voices: they are written from nothing")
    cond = Conditioning.of(piece)
    if cond.key is None:
        raise ConfigError("the piece's key is neither major nor minor")
    if cond.meter == "other" or f"Meter_{cond.meter}" not in tok.vocab:
        ts = piece.time_signatures[0]
        raise ConfigError(f"the piece's meter {ts.numerator}/{ts.denominator} has no token in this model")
    cond = dataclasses.replace(cond, style=request.style or (cond.style if f"Style_{cond.style}" in tok.vocab
                                                             else "none"))
    cells = grid_cells(tok, piece)
    steps = len(cells)
    b = min(b, steps)
    masked = np.zeros_like(cells, dtype=bool)
    masked[a:b, chosen] = True
    fixed = np.where(masked, FREE, cells)[:b]
    req = dataclasses.replace(request, end_on_tonic=request.end_on_tonic and b == steps, voices=None)
    rules = rules_for(tok, cond, req, b)
    vocab = tok.vocab
    prefix = [vocab["BOS"], *(vocab[t] for t in cond.tokens())]
    prompt = prefix + cells[:a].ravel().tolist()
    for t in cells[:a].ravel():
        rules.advance([int(t)])
    rules = Fixed(rules, fixed)
    src = None
    if getattr(loaded.model, "data_kind", "sequence") == "conditional":
        src = source_ids(prefix, cells, masked, mask_id(loaded), vocab["EOS"])
    model = decoder(loaded, src)
    n = (b - a) * V + 1
    if request.beams > 1:
        ids = beam_search(model, prompt, n, vocab["EOS"], request.beams, rules)
    else:
        ids = generate(model, prompt, n, vocab["EOS"], rules, request.temperature, request.top_k, request.top_p,
                       request.seed)[0]
    written = np.asarray(ids[len(prompt):len(prompt) + (b - a) * V]).reshape(-1, V)
    whole = cells.copy()
    whole[a:a + len(written)] = written
    made = tok.decode(prefix + whole.ravel().tolist() + [vocab["EOS"]])
    tracks = list(piece.tracks)
    for v in chosen:  # the original outside the span, the new notes that sound in it
        old, new = piece.tracks[v].notes, made.tracks[v].notes
        keep = (old["start"] + old["duration"] <= start) | (old["start"] >= end)
        fresh = (new["start"] < end) & (new["start"] + new["duration"] > start)
        notes = np.concatenate([old[keep], new[fresh]])
        tracks[v] = tracks[v].replace(notes=notes[np.argsort(notes["start"], kind="stable")])
    # the piece keeps its instruments unless the request names some
    result = finish(piece.replace(tracks=tuple(tracks[:max(len(pitched), 1)])), req, None, drop_empty=False)
    info = {"warnings": warnings, "span": {"bars": [first, last], "ticks": [int(start), int(end)],
                                           "steps": [int(a), int(b)], "voices": chosen}}
    return result, ids, info


__all__ = ["infill", "parse_bars", "parse_voices", "span_ticks"]
