"""Voice grid: a fixed number of monophonic voices on a time grid, one token per voice per step.

    [BOS, cond..., S0 A0 T0 B0, S1 A1 T1 B1, ..., EOS]      each token Pitch_p | Hold | Rest

Track i is voice i (voice 0 the top: soprano, ..., voice 3 the bass). At each grid step every voice writes,
in voice order, `Pitch_p` (a new note of pitch p begins), `Hold` (its note goes on) or `Rest`. Unlike frames,
a repeated note stays distinct from a held one. Every step has the same shape, so a voice can be masked and
filled in (harmonization, infilling) and a model always knows which voice it is writing. Voices share
the Pitch tokens. Decoding never fails: a Hold with no note to continue is a rest, and a partial last step
is ignored.
"""

from __future__ import annotations

import numpy as np

from tunesmith.representation.base import Conditioning, Tokenizer, header, require
from tunesmith.score.model import NOTE_DTYPE, TPQ, Score, Track, note_array
from tunesmith.score.transforms import quantize, skyline


class VoiceGridTokenizer(Tokenizer):
    """One token per voice per grid step: Pitch_p (a new note), Hold or Rest."""

    name = "voicegrid"

    def __init__(self, voices: int = 4, steps_per_quarter: int = 4, low: int = 21, high: int = 108):
        require(voices >= 1, f"voices must be at least 1, got {voices}")
        require(steps_per_quarter >= 1 and TPQ % steps_per_quarter == 0,
                f"steps_per_quarter must divide {TPQ}, got {steps_per_quarter}")
        require(0 <= low <= high <= 127, f"need 0 <= low <= high <= 127, got {low}..{high}")
        super().__init__(voices=voices, steps_per_quarter=steps_per_quarter, low=low, high=high)
        self.pitch_range = (low, high)
        self.grid = TPQ // steps_per_quarter
        self.vocab = self.build_vocab(["Rest", "Hold"] + [f"Pitch_{p}" for p in range(low, high + 1)])
        self.rest_id, self.hold_id = self.vocab["Rest"], self.vocab["Hold"]
        self.first_pitch_id = self.vocab[f"Pitch_{low}"]  # Pitch_p has id first_pitch_id + p - low

    def normalize(self, score: Score) -> Score:
        """The conditioning `header`, plus exactly `voices` tracks (program 0, no name, velocity 80): track i
        is the i-th non-drum track (later tracks dropped, missing ones empty), its onsets and offsets
        snapped to the nearest grid step (a note keeps at least one step), pitches outside [low, high]
        dropped, then made monophonic by skyline: at a shared onset the highest pitch wins, and a note is cut
        where the next one begins."""
        pitched = [t for t in score.tracks if not t.is_drum][: self.config["voices"]]
        tracks = []
        for t in pitched:
            q = quantize(Score(tracks=(t,)), self.config["steps_per_quarter"]).tracks[0].notes
            q = q[(q["pitch"] >= self.pitch_range[0]) & (q["pitch"] <= self.pitch_range[1])]
            notes = skyline(Score(tracks=(Track(q),))).tracks[0].notes.copy()
            notes["velocity"] = 80
            tracks.append(Track(notes))
        tracks += [Track(note_array()) for _ in range(self.config["voices"] - len(tracks))]
        return header(score).replace(tracks=tuple(tracks))

    def encode(self, score: Score, conditioning: Conditioning | None = None) -> list[int]:
        tracks = self.normalize(score).tracks
        ends = [int(t.notes["start"][-1] + t.notes["duration"][-1]) for t in tracks if len(t)]  # monophonic
        steps = max(ends, default=0) // self.grid
        grid = np.full((steps, len(tracks)), self.rest_id, dtype=np.int64)  # (T, voices)
        for v, t in enumerate(tracks):
            for n in t.notes:
                s, e = n["start"] // self.grid, (n["start"] + n["duration"]) // self.grid
                grid[s, v] = self.first_pitch_id + n["pitch"] - self.pitch_range[0]
                grid[s + 1: e, v] = self.hold_id
        return self.prefix(score, conditioning) + grid.ravel().tolist() + [self.vocab["EOS"]]

    def decode(self, ids) -> Score:
        cond, body = self.split_prefix(ids)
        voices = self.config["voices"]
        steps = len(body) // voices  # a partial last step is ignored
        grid = np.array(body[: steps * voices], dtype=np.int64).reshape(steps, voices)  # (T, voices)
        tracks = tuple(Track(self._voice_notes(grid[:, v])) for v in range(voices))
        return cond.apply(Score(tracks=tracks))

    def _voice_notes(self, column: np.ndarray) -> np.ndarray:
        rows, current = [], None  # current: [start step, steps, pitch] of the sounding note
        for step, i in enumerate(column.tolist()):
            if i == self.hold_id and current is not None:
                current[1] += 1
                continue
            if current is not None:
                rows.append(current)
                current = None
            if i >= self.first_pitch_id:
                current = [step, 1, i - self.first_pitch_id + self.pitch_range[0]]
        if current is not None:
            rows.append(current)
        notes = np.zeros(len(rows), dtype=NOTE_DTYPE)
        if rows:
            start, steps, pitch = np.array(rows).T
            notes["start"], notes["duration"], notes["pitch"], notes["velocity"] = (
                start * self.grid, steps * self.grid, pitch, 80)
        return notes


if __name__ == "__main__":
    print(VoiceGridTokenizer().describe())
