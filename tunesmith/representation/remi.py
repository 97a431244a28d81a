"""REMI-like event representation for any polyphonic, multi-track music (Huang & Yang 2020, "Pop Music
Transformer"; REMI+ of von Rütte et al. 2023 for the programs).

    [BOS, cond..., Bar TimeSig_4/4 TempoChange_120 Position_0 Program_0 Pitch_60 Velocity_80 Duration_12
     Pitch_64 Velocity_80 Duration_12 Position_12 ... Bar ..., EOS]

Each bar opens with `Bar`; the first bar states its `TimeSig` and `TempoChange`, later bars only changes.
Onsets are on a grid of 12 steps per quarter (16ths and 8th-note triplets both fall on it); `Position_i` is
the step within the bar, so the positions of a bar depend on its time signature. A note is `Pitch`, `Velocity`
(a few bins) and `Duration` (grid steps, 1..max_duration). `Program_p` (or `Program_drums`) is written when
the note's track differs from the previous note's. Chord tokens are not part of it (yet): chord naming
belongs to tunesmith.theory, and a chord token would be redundant with the notes it names.

Why hand-written instead of MidiTok: MidiTok operates on symusic scores, not on our Score; it cannot put
our style/key/meter/tempo conditioning tokens at the start of the sequence; and its round trip depends
on its own config and version. A small, clear tokenizer is about 200 lines, and its `normalize` states
exactly what a round trip keeps.
"""

from __future__ import annotations

import numpy as np

from tunesmith.representation.base import TEMPO_BINS, Conditioning, Tokenizer, header, require, tempo_bin
from tunesmith.score.model import NOTE_DTYPE, TPQ, Score, Tempo, TimeSignature, Track
from tunesmith.score.transforms import quantize

STEPS_PER_QUARTER = 12
GRID = TPQ // STEPS_PER_QUARTER  # 40 ticks


def bar_lines(sigs, last: int) -> list[int]:
    """Bar lines from tick 0 through the end of the bar holding tick `last`; `sigs` (sorted, the first at 0)
    change only on bar lines. Returns every bar start and then the end of the last bar."""
    lines, tick, k = [], 0, 0
    while True:
        while k + 1 < len(sigs) and sigs[k + 1].tick <= tick:
            k += 1
        lines.append(tick)
        tick += sigs[k].bar_ticks
        if tick > last:
            return lines + [tick]


def _dedupe(events, value):
    """Drop events that repeat the value of the one before."""
    out = []
    for e in events:
        if not out or value(out[-1]) != value(e):
            out.append(e)
    return tuple(out)


class RemiTokenizer(Tokenizer):
    """Bar / Position / Program / Pitch / Velocity / Duration events, with meter and tempo changes."""

    name = "remi"

    def __init__(self, max_bar_quarters: int = 8, max_duration: int = 96, velocity_bins: int = 8,
                 time_signatures: bool = True, tempos: bool = True):
        # 4/4 must fit: it stands in for every meter the vocabulary lacks
        require(4 <= max_bar_quarters <= 32, f"max_bar_quarters must be 4..32, got {max_bar_quarters}")
        require(max_duration >= 1, f"max_duration must be at least 1 grid step, got {max_duration}")
        require(0 <= velocity_bins <= 127, f"velocity_bins must be 0..127 (0: none), got {velocity_bins}")
        require(time_signatures or max_bar_quarters >= 6,  # the header's meter may then be as long as 12/8
                "without time-signature tokens, max_bar_quarters must be at least 6")
        super().__init__(max_bar_quarters=max_bar_quarters, max_duration=max_duration,
                         velocity_bins=velocity_bins, time_signatures=time_signatures, tempos=tempos)
        # every n/2, n/4, n/8 whose bar fits in max_bar_quarters (bar lengths are then multiples of GRID)
        self.meters = [(n, d) for d in (2, 4, 8) for n in range(1, max_bar_quarters * d // 4 + 1)]
        self.velocities = np.array([min(127, round(128 * (i + 1) / velocity_bins))
                                    for i in range(velocity_bins)], dtype=int)
        body = ["Bar"]
        body += [f"TimeSig_{n}/{d}" for n, d in self.meters] if time_signatures else []
        body += [f"TempoChange_{t}" for t in TEMPO_BINS] if tempos else []
        body += [f"Position_{i}" for i in range(max_bar_quarters * STEPS_PER_QUARTER)]
        body += [f"Program_{p}" for p in range(128)] + ["Program_drums"]
        body += [f"Pitch_{p}" for p in range(128)]
        body += [f"Velocity_{v}" for v in self.velocities]
        body += [f"Duration_{d}" for d in range(1, max_duration + 1)]
        self.vocab = self.build_vocab(body)

    # --- normalize: what survives, stated without the token machinery ------------------------------------
    def normalize(self, score: Score) -> Score:
        """The conditioning `header`, and:
        - tracks: one per program (tracks of one program merge; every drum track merges into one drum track,
          program 0), ordered by program with drums last; names dropped; tracks left empty dropped;
        - notes: onset and offset snapped to the nearest 1/12 quarter (a note keeps at least one step), the
          duration then clipped to `max_duration` steps; velocity to the nearest bin (80 without bins);
        - time signatures (if `time_signatures`): the first at tick 0, one outside `meters` becomes 4/4, a
          change moves to the next bar line (the last of several on one bar line wins), repeats dropped;
        - tempos (if `tempos`): the first at tick 0, a change moves to the next bar line (the last of several
          on one bar line wins), each binned to TEMPO_BINS, repeats dropped;
        - changes that would fall after the bar of the last onset are dropped (the body ends with that bar);
        - without `time_signatures` or `tempos`, the one meter or tempo of the header."""
        base = header(score)
        tracks = self._tracks(score)
        sigs = self._time_signatures(score) if self.config["time_signatures"] else base.time_signatures
        lines = bar_lines(sigs, max((int(t.notes["start"][-1]) for t in tracks), default=0))
        sigs = tuple(s for s in sigs if s.tick < lines[-1])
        tempos = self._tempos(score, lines) if self.config["tempos"] else base.tempos
        return base.replace(tracks=tracks, time_signatures=sigs, tempos=tempos)

    def _tracks(self, score: Score) -> tuple[Track, ...]:
        groups: dict[tuple[bool, int], list[np.ndarray]] = {}
        for t in quantize(score, STEPS_PER_QUARTER).tracks:
            groups.setdefault((t.is_drum, 0 if t.is_drum else t.program), []).append(t.notes)
        tracks = []
        for drum, program in sorted(groups):
            notes = np.concatenate(groups[drum, program])
            notes["duration"] = np.minimum(notes["duration"], self.config["max_duration"] * GRID)
            notes["velocity"] = self._velocity(notes["velocity"])
            # velocity last in the order, so that notes differing only in velocity have one canonical order
            notes = notes[np.lexsort((notes["velocity"], notes["duration"], notes["pitch"], notes["start"]))]
            if len(notes):
                tracks.append(Track(notes, program=program, is_drum=drum))
        return tuple(tracks)

    def _velocity(self, v: np.ndarray) -> np.ndarray:
        if not len(self.velocities):
            return np.full_like(v, 80)
        return self.velocities[np.abs(v[:, None].astype(int) - self.velocities[None, :]).argmin(axis=1)]

    def _time_signatures(self, score: Score) -> tuple[TimeSignature, ...]:
        sigs = [s if (s.numerator, s.denominator) in self.meters else TimeSignature(s.tick, 4, 4)
                for s in score.time_signatures]
        out = [TimeSignature(0, sigs[0].numerator, sigs[0].denominator)]
        for s in sigs[1:]:
            cur = out[-1]
            tick = cur.tick + max(0, -(-(s.tick - cur.tick) // cur.bar_ticks)) * cur.bar_ticks
            if tick == cur.tick:
                out.pop()
            out.append(TimeSignature(tick, s.numerator, s.denominator))
        return _dedupe(out, lambda s: (s.numerator, s.denominator))

    def _tempos(self, score: Score, lines: list[int]) -> tuple[Tempo, ...]:
        at = {0: score.tempos[0].qpm}
        for t in score.tempos[1:]:
            k = int(np.searchsorted(lines, t.tick))  # the first bar line at or after the change
            if k < len(lines) - 1:  # lines[-1] ends the last bar: no Bar token stands there
                at[lines[k]] = t.qpm
        return _dedupe([Tempo(tick, float(tempo_bin(q))) for tick, q in sorted(at.items())], lambda t: t.qpm)

    # --- encode / decode -----------------------------------------------------------------------------
    def encode(self, score: Score, conditioning: Conditioning | None = None) -> list[int]:
        norm, v = self.normalize(score), self.vocab
        notes = [t.notes for t in norm.tracks]
        lines = bar_lines(norm.time_signatures, max((int(n["start"][-1]) for n in notes), default=0))
        sig_at = {s.tick: f"TimeSig_{s.numerator}/{s.denominator}" for s in norm.time_signatures}
        tempo_at = {t.tick: f"TempoChange_{int(t.qpm)}" for t in norm.tempos}
        programs = ["Program_drums" if t.is_drum else f"Program_{t.program}" for t in norm.tracks]
        # every note with its track, ordered by onset, then track, then the track's own order
        allnotes = np.concatenate([np.zeros(0, NOTE_DTYPE), *notes])
        track = np.concatenate([np.zeros(0, int), *(np.full(len(n), k) for k, n in enumerate(notes))])
        within = np.concatenate([np.zeros(0, int), *(np.arange(len(n)) for n in notes)])
        order = np.lexsort((within, track, allnotes["start"]))
        out, i, last_track = self.prefix(score, conditioning), 0, None
        for bar, end in zip(lines[:-1], lines[1:], strict=True):
            out.append(v["Bar"])
            if self.config["time_signatures"] and bar in sig_at:
                out.append(v[sig_at[bar]])
            if self.config["tempos"] and bar in tempo_at:
                out.append(v[tempo_at[bar]])
            last_pos = None
            while i < len(order) and allnotes["start"][order[i]] < end:
                n, k = allnotes[order[i]], int(track[order[i]])
                pos = (int(n["start"]) - bar) // GRID
                if pos != last_pos:
                    out.append(v[f"Position_{pos}"])
                if k != last_track:
                    out.append(v[programs[k]])
                out.append(v[f"Pitch_{n['pitch']}"])
                if len(self.velocities):
                    out.append(v[f"Velocity_{n['velocity']}"])
                out.append(v[f"Duration_{int(n['duration']) // GRID}"])
                last_pos, last_track, i = pos, k, i + 1
        return out + [v["EOS"]]

    def decode(self, ids) -> Score:
        cond, body = self.split_prefix(ids)
        base = cond.apply(Score())
        sig, bar, pos = base.time_signatures[0], None, 0
        sig_at = {0: sig}
        tempo_at = {0: base.tempos[0].qpm}
        track, pitch, velocity = (False, 0), None, 80
        notes: dict[tuple[bool, int], list[tuple]] = {}
        for i in body:
            family, _, value = self.vocab.name(i).partition("_")
            if family == "Bar":
                bar, pos, pitch = 0 if bar is None else bar + sig.bar_ticks, 0, None
            elif family == "TimeSig":
                n, d = map(int, value.split("/"))
                sig = sig_at[bar or 0] = TimeSignature(bar or 0, n, d)
            elif family == "TempoChange":
                tempo_at[bar or 0] = float(value)
            elif family == "Position":
                pos, pitch = int(value), None
            elif family == "Program":
                track, pitch = (True, 0) if value == "drums" else (False, int(value)), None
            elif family == "Pitch":
                pitch, velocity = int(value), 80
            elif family == "Velocity":
                velocity = int(value)
            elif family == "Duration" and pitch is not None:
                start = (bar or 0) + pos * GRID
                notes.setdefault(track, []).append((start, int(value) * GRID, pitch, velocity))
                pitch = None
        tracks = tuple(Track(np.array(notes[k], dtype=NOTE_DTYPE), program=k[1], is_drum=k[0])
                       for k in sorted(notes))
        sigs = _dedupe([sig_at[t] for t in sorted(sig_at)], lambda s: (s.numerator, s.denominator))
        tempos = _dedupe([Tempo(t, q) for t, q in sorted(tempo_at.items())], lambda t: t.qpm)
        return base.replace(tracks=tracks, time_signatures=sigs, tempos=tempos)


if __name__ == "__main__":
    print(RemiTokenizer().describe())
