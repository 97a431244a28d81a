"""Harmonize a melody: a four-part chorale with the melody, unchanged, as its soprano, in the melody's key and
meter, under every constraint `compose` applies.

Two ways to do it with the models tunesmith ships, behind one function:
- a conditional model (seq2seq) reads the whole melody (the source: the voice grid with the lower voices
  masked) and writes the grid, the soprano's cells fixed to the melody;
- a voice-grid sequence model (the chorale Transformer) writes the same grid with the same cells fixed: it sees
  the melody only up to the step it is writing.

The form `compose` gives a chorale (`rules_for` with a phrase plan) comes from the melody here: the voices
enter with it on the tonic chord, each fermata of the melody ends a phrase on a cadence whose chord holds its
note (I, V or the relative key's tonic, from V7), and the last note ends on the tonic triad. Where the melody
does not fit that form (it begins or ends outside the tonic triad), the plan is left out and the other rules
stay.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

from tunesmith.errors import ConfigError
from tunesmith.generation.compose import finish, meter_steps, rules_for
from tunesmith.generation.given import (
    FREE,
    Fixed,
    decoder,
    empty_tracks,
    fit_range,
    grid_cells,
    mask_id,
    one_line,
    source_ids,
)
from tunesmith.generation.request import Request, parse_key
from tunesmith.generation.structure import Plan, chord_of
from tunesmith.representation.base import Conditioning, tempo_bin
from tunesmith.score.model import TPQ, KeySignature, Score
from tunesmith.theory.pitch import PITCH_CLASS_NAMES

log = logging.getLogger(__name__)

# the soprano's range in Bach's chorales (62..79, compose.DEFAULT_RANGES) widened by the transpositions the
# models were trained on (-5..+6): a melody inside it is kept where it is, one outside moved by octaves
SOPRANO = (57, 85)


def prepare(loaded, melody: Score, request: Request, track: int | None = None):
    """(the melody as a one-track score in its key, meter and tempo, conditioning, warnings) ready for the grid."""
    from tunesmith.data.tokenize import with_key

    tok = loaded.tokenizer
    if tok.config["voices"] < 2:
        raise ConfigError(f"{loaded.name}: a model of one voice cannot harmonize; use a chorale model")
    line, warnings = one_line(melody, track)
    line, shift = fit_range(line, *SOPRANO)
    if shift:
        warnings.append(f"the melody lies outside the soprano's range: moved {shift:+d} semitones (whole octaves)")
    base = with_key(melody.replace(tracks=(line, *empty_tracks(tok.config["voices"] - 1))))
    if request.key:
        k = parse_key(request.key)
        base = base.replace(key_signatures=(KeySignature(0, PITCH_CLASS_NAMES.index(k.split("_")[0]),
                                                         k.split("_")[1]),))
    cond = Conditioning.of(base)
    if cond.key is None:
        raise ConfigError("the melody's key is neither major nor minor; give one with --key")
    meter = request.meter or cond.meter
    if f"Meter_{meter}" not in tok.vocab or meter == "other":
        ts = base.time_signatures[0]
        valid = ", ".join(n[6:] for n in tok.vocab.names if n.startswith("Meter_") and n != "Meter_other")
        raise ConfigError(f"the melody's meter {request.meter or f'{ts.numerator}/{ts.denominator}'} has no token "
                          f"in this model; valid: {valid}")
    tempo = tempo_bin(request.tempo) if request.tempo else cond.tempo
    cond = Conditioning(style=request.style or "bach", key=cond.key, meter=meter, tempo=tempo)
    normalized = tok.normalize(base).tracks[0].notes
    if len(normalized) != len(line.notes) or not np.array_equal(normalized["start"], line.notes["start"]):
        warnings.append(f"the melody was placed on the model's grid of {tok.config['steps_per_quarter']} steps a "
                        "quarter (shorter notes or triplets moved)")
    return base, cond, warnings


def melody_plan(line: np.ndarray, fermatas, cond: Conditioning, steps: int, grid: int, spq: int) -> Plan | None:
    """The phrase plan the melody implies (see the module doc), or None where it does not fit."""
    tonic_name, mode = cond.key.split("_")
    tonic = PITCH_CLASS_NAMES.index(tonic_name)
    bar, beat = meter_steps(cond.meter, spq)
    onsets, pcs = line["start"] // grid, line["pitch"] % 12
    ends_at = (line["start"] + line["duration"]) // grid
    tonic_triad = chord_of(tonic, mode, "I")["pcs"]
    if pcs[0] not in tonic_triad or pcs[-1] not in tonic_triad or steps - onsets[-1] < 1:
        return None
    ends = []
    for tick in sorted(fermatas):
        i = int(np.searchsorted(line["start"], tick, side="right")) - 1
        step = int(onsets[i]) if i >= 0 else -1
        if i < 0 or step - beat <= int(onsets[0]) or step >= onsets[-1] - beat or (ends and step <= ends[-1][0] + beat):
            continue
        before = pcs[np.searchsorted(onsets, step - beat, side="right") - 1]  # the melody over the V7 before
        dominant = before in chord_of(tonic, mode, "V7")["pcs"]
        for kind in ("I", "V", "rel"):
            if pcs[i] in chord_of(tonic, mode, kind)["pcs"] and (kind == "rel" or dominant):
                ends.append((step, int(ends_at[i] - onsets[i]), kind))
                break
    last = int(onsets[-1])
    ends.append((last, steps - last, "I"))
    return Plan(start=int(onsets[0]), ends=ends, free_final=False, tonic_first=bool(pcs[0] == tonic))


def harmonize(loaded, melody: Score, request: Request | None = None, track: int | None = None):
    """(chorale, token ids, info) for `melody` with model `loaded` (tunesmith.generation.load.Loaded); info
    holds the warnings, the plan's cadences and the octave shift. The soprano is the melody, note for note."""
    from tunesmith.generation.generate import beam_search, generate

    tok = loaded.tokenizer
    request = loaded.request(request or Request()).check_for(tok)
    base, cond, warnings = prepare(loaded, melody, request, track)
    voices, spq = tok.config["voices"], tok.config["steps_per_quarter"]
    grid = TPQ // spq
    cells = grid_cells(tok, base)
    steps = len(cells)
    line = tok.normalize(base).tracks[0].notes
    plan = melody_plan(line, base.fermatas, cond, steps, grid, spq) if request.phrases else None
    req = dataclasses.replace(request, end_on_tonic=request.end_on_tonic and plan is not None, voices=None)
    rules = rules_for(tok, cond, req, steps, plan=plan)
    fixed = np.full_like(cells, FREE)
    fixed[:, 0] = cells[:, 0]
    rules = Fixed(rules, fixed)
    vocab = tok.vocab
    prefix = [vocab["BOS"], *(vocab[t] for t in cond.tokens())]
    src = None
    if getattr(loaded.model, "data_kind", "sequence") == "conditional":
        masked = np.zeros_like(cells, dtype=bool)
        masked[:, 1:] = True
        src = source_ids(prefix, cells, masked, mask_id(loaded), vocab["EOS"])
    model = decoder(loaded, src)
    eos, n = vocab["EOS"], steps * voices + 1
    if request.beams > 1:
        ids = beam_search(model, prefix, n, eos, request.beams, rules)
    else:
        ids = generate(model, prefix, n, eos, rules, request.temperature, request.top_k, request.top_p, request.seed)[0]
    score = finish(tok.decode(ids), req, loaded.default_programs, drop_empty=False)
    title = melody.metadata.title or "melody"
    # the melody itself as the soprano, not its image on the grid (a note the grid shortened or lengthened
    # by less than a step is the melody's again): the lower voices were written under the grid's image
    soprano = score.tracks[0].replace(notes=base.tracks[0].notes.copy())
    score = score.replace(tracks=(soprano, *score.tracks[1:]), fermatas=base.fermatas,
                          metadata=dataclasses.replace(score.metadata, title=f"{title} (harmonized)"))
    info = {"warnings": warnings, "steps": steps,
            "cadences": [{"step": s, "chord": k} for s, _, k in plan.ends] if plan else None}
    return score, ids, info


__all__ = ["SOPRANO", "harmonize", "melody_plan", "prepare"]
