"""Restyle: keep a piece's melody and phrase structure, render it in another style's texture, harmony and
rhythm.

- to "bach": the melody moves in the chorale's beat (the note sounding at each beat, a note held over beats
  kept held), a fermata closes each phrase (tunesmith.theory.phrases.phrase_ends), and the harmonizer writes
  alto, tenor and bass under it with the cadences the fermatas ask for: a four-part chorale.
- to a folk style ("irish", "scottish", "folk", ...): each beat of the melody becomes a beat of a jig (6/8) or,
  with --meter 4/4 or 2/4, of a reel: its note stays on the beat and the folk model writes the rest of the beat
  (the melody's note held through a phrase end), so the tune runs in the folk rhythm over the same notes; the
  accompanist then adds chord symbols and a bass and chords track.

The melody kept is the melody's note on every beat where one begins ("melody kept" in the report: the share of
those notes found on their beat in the result).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.generation.given import FREE, Fixed, decoder, fit_range, mask_id, one_line, source_ids
from tunesmith.representation.base import STYLES, Conditioning, tempo_bin
from tunesmith.score.model import TPQ, Score, Tempo, TimeSignature, Track, note_array
from tunesmith.theory.meter import beat_ticks

TARGETS = ("bach", *(s for s in STYLES if s not in ("none", "bach", "palestrina", "user")))
FOLK_RANGE = (55, 93)  # the folk model's melody range (compose.DEFAULT_RANGES[1])


def beats_of(line: np.ndarray, score: Score) -> list[tuple[int, int | None, bool]]:
    """Per beat of the melody: (tick, pitch beginning on or sounding at it or None, whether a note begins on it)."""
    from tunesmith.theory.meter import beat_starts

    end = int((line["start"] + line["duration"]).max())
    out = []
    for t in (int(x) for x in beat_starts(score, end)):
        sounding = np.flatnonzero((line["start"] <= t) & (line["start"] + line["duration"] > t))
        if len(sounding):
            out.append((t, int(line["pitch"][sounding[-1]]), bool(line["start"][sounding[-1]] == t)))
        else:  # a rest on the beat: the first note of the beat, if any, stands for it
            later = np.flatnonzero((line["start"] > t) & (line["start"] < t + beat_ticks(_meter_at(score, t))))
            out.append((t, int(line["pitch"][later[0]]) if len(later) else None, bool(len(later))))
    return out


def _meter_at(score: Score, tick: int) -> TimeSignature:
    return next((s for s in reversed(score.time_signatures) if s.tick <= tick), score.time_signatures[0])


def to_bach(loaded, piece: Score, request, track: int | None = None):
    """(four-part chorale, info) of the piece's melody in the chorale's beat, with fermatas at its phrase ends."""
    from tunesmith.generation.harmonize import harmonize
    from tunesmith.theory.phrases import phrase_ends

    line, warnings = one_line(piece, track)
    beats = beats_of(line.notes, piece)
    rows = []
    for i, (t, pitch, onset) in enumerate(beats):
        if pitch is None:
            continue
        end = beats[i + 1][0] if i + 1 < len(beats) else t + beat_ticks(_meter_at(piece, t))
        if rows and not onset and rows[-1][0] == pitch and rows[-1][1] + rows[-1][2] == t:
            rows[-1] = (pitch, rows[-1][1], end - rows[-1][1])  # a note held over the beat stays held
        else:
            rows.append((pitch, t, end - t))
    melody = piece.replace(tracks=(Track(note_array(rows), name="melody"),), chords=())
    melody = melody.replace(fermatas=tuple(int(t) for t in phrase_ends(melody)))
    req = dataclasses.replace(request, style="bach", tempo=request.tempo or 84.0)
    score, ids, info = harmonize(loaded, melody, req)
    kept = _kept(beats, score.tracks[0].notes, 0)
    return score, {"warnings": warnings + info["warnings"], "melody_kept": kept, "cadences": info["cadences"]}


def _kept(beats, notes: np.ndarray, shift: int, place=lambda t: t) -> float:
    """Share of the beats where a melody note begins whose pitch (moved by `shift`) begins at `place(tick)`."""
    wanted = [(place(t), p + shift) for t, p, onset in beats if onset and p is not None]
    have = set(zip(notes["start"].tolist(), notes["pitch"].tolist()))
    return float(np.mean([w in have for w in wanted])) if wanted else float("nan")


def to_folk(loaded, accompanist, piece: Score, style: str, request, track: int | None = None):
    """(tune in the folk rhythm with an accompaniment, info): each beat of the melody one beat of the target
    meter, its note on the beat, the rest of the beat written by the folk model."""
    from tunesmith.data.tokenize import with_key
    from tunesmith.generation.accompany import accompany
    from tunesmith.generation.compose import rules_for
    from tunesmith.generation.generate import beam_search, generate
    from tunesmith.theory.phrases import phrase_ends

    tok = loaded.tokenizer
    if tok.config["voices"] != 1:
        raise ConfigError(f"{loaded.name}: restyling to a folk style needs a one-voice (folk) model")
    line, warnings = one_line(piece, track)
    line, shift = fit_range(line, *FOLK_RANGE)
    if shift:
        warnings.append(f"the melody was moved {shift:+d} semitones (whole octaves) into the folk range")
    beats = beats_of(line.notes, piece)
    meter = request.meter or "6/8"
    if meter not in ("6/8", "4/4", "2/4"):
        raise ConfigError(f"restyling to {style} writes 6/8 (a jig), 4/4 or 2/4 (a reel), not {meter}")
    n, d = map(int, meter.split("/"))
    target = TimeSignature(0, n, d)
    beat = beat_ticks(target)  # a source beat becomes this long
    spq = tok.config["steps_per_quarter"]
    grid = TPQ // spq
    per = beat // grid  # steps a beat
    ends = {int(t) for t in phrase_ends(piece.replace(tracks=(line,)))}
    cells = np.full((len(beats) * per, 1), FREE, np.int64)
    for i, (t, pitch, onset) in enumerate(beats):
        if pitch is None or not onset:
            continue
        cells[i * per, 0] = tok.first_pitch_id + pitch - tok.pitch_range[0]
        if any(t <= e < t + beat_ticks(_meter_at(piece, t)) for e in ends):  # a phrase end: the note is held
            cells[i * per + 1:(i + 1) * per, 0] = tok.hold_id
    base = with_key(piece.replace(tracks=(line,)))
    key = Conditioning.of(base).key
    cond = Conditioning(style=style, key=key, meter=meter, tempo=tempo_bin(request.tempo or 120.0))
    if f"Style_{style}" not in tok.vocab or key is None:
        raise ConfigError(f"the folk model has no style {style!r} or the melody's key is neither major nor minor")
    steps = len(cells)
    req = dataclasses.replace(request, phrases=False, voices=None, end_on_tonic=False, style=None)
    rules = Fixed(rules_for(tok, cond, req, steps), cells)
    vocab = tok.vocab
    prefix = [vocab["BOS"], *(vocab[x] for x in cond.tokens())]
    src = None
    if getattr(loaded.model, "data_kind", "sequence") == "conditional":
        masked = cells == FREE
        src = source_ids(prefix, np.where(masked, tok.rest_id, cells), masked, mask_id(loaded), vocab["EOS"])
    model = decoder(loaded, src)
    if request.beams > 1:
        ids = beam_search(model, prefix, steps + 1, vocab["EOS"], request.beams, rules)
    else:
        ids = generate(model, prefix, steps + 1, vocab["EOS"], rules, request.temperature, request.top_k,
                       request.top_p, request.seed)[0]
    tune = tok.decode(ids)
    tune = tune.replace(time_signatures=(target,), tempos=(Tempo(0, float(request.tempo or 120.0)),),
                        metadata=dataclasses.replace(piece.metadata, style=style,
                                                     title=f"{piece.metadata.title or 'Melody'} ({style})"))
    placed = {t: i * beat for i, (t, _, _) in enumerate(beats)}
    kept = _kept(beats, tune.tracks[0].notes, 0, placed.get)
    if accompanist is not None:
        tune, _, acc = accompany(accompanist, tune, "folk", dataclasses.replace(request, style=None, meter=None))
        warnings += acc["warnings"]
    return tune, {"warnings": warnings, "melody_kept": kept, "meter": meter}


def restyle(loaded, piece: Score, to: str, request, accompanist=None, track: int | None = None):
    """(restyled score, info) of `piece` in style `to` (TARGETS): see the module doc."""
    if to not in TARGETS:
        raise ConfigError(f"unknown style {to!r}; valid: {', '.join(TARGETS)}")
    request = loaded.request(request)  # the settings it leaves open: the model's tuned ones, else the defaults
    if to == "bach":
        return to_bach(loaded, piece, request, track)
    return to_folk(loaded, accompanist, piece, to, request, track)


__all__ = ["TARGETS", "beats_of", "restyle", "to_bach", "to_folk"]
