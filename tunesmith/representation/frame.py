"""Frame representation: a fixed time grid, each step the set of sounding pitches.

    [BOS, cond..., Pitch_60 Pitch_64 Pitch_67 Step, Pitch_60 Pitch_64 Pitch_67 Step, Step, ..., EOS]

Each grid step (`steps_per_quarter` per quarter note) is written as its sounding pitches in ascending
order, then one `Step` token. All non-drum tracks are merged into one. The order is fixed, so a step's
token sequence and its pitch set are in one-to-one correspondence and the step's negative log-likelihood
is exactly the sum of its tokens' NLLs: a model over these tokens scores the piano-roll benchmark
(/work/shared/data/pianoroll/README.md) exactly. A model that also keeps to the order (`next_mask`) puts
all of its probability on canonical sequences, so its step probabilities sum to one over pitch sets.

A frame says only what sounds, not where notes begin: a repeated note is indistinguishable from a held
one, and decoding merges consecutive active steps of a pitch into one note. `normalize` says exactly that.
"""

from __future__ import annotations

import numpy as np

from tunesmith.representation.base import Conditioning, Tokenizer, header, require
from tunesmith.representation.pianoroll import roll_notes, to_pianoroll
from tunesmith.score.model import TPQ, Score, Track


class FrameTokenizer(Tokenizer):
    """Per grid step, the sounding pitches in ascending order, then Step."""

    name = "frame"

    def __init__(self, steps_per_quarter: int = 4, low: int = 21, high: int = 108):
        require(steps_per_quarter >= 1 and TPQ % steps_per_quarter == 0,
                f"steps_per_quarter must divide {TPQ}, got {steps_per_quarter}")
        require(0 <= low <= high <= 127, f"need 0 <= low <= high <= 127, got {low}..{high}")
        super().__init__(steps_per_quarter=steps_per_quarter, low=low, high=high)
        self.pitch_range = (low, high)
        self.vocab = self.build_vocab([f"Pitch_{p}" for p in range(low, high + 1)] + ["Step"])
        self.step_id = self.vocab["Step"]
        self.first_pitch_id = self.vocab[f"Pitch_{low}"]  # Pitch_p has id first_pitch_id + p - low

    def normalize(self, score: Score) -> Score:
        """The conditioning `header`, plus one track (program 0, no name, velocity 80) holding the piano roll
        of the non-drum notes: onsets and offsets snapped to the nearest grid step (a note keeps at least
        one), pitches outside [low, high] dropped, and each run of consecutive sounding steps of a pitch
        one note."""
        roll = self._roll(score)
        return header(score).replace(tracks=(Track(roll_notes(roll, self.config["steps_per_quarter"])),))

    def _roll(self, score: Score) -> np.ndarray:
        roll = to_pianoroll(score, self.config["steps_per_quarter"])  # (T, 128)
        low, high = self.pitch_range
        roll[:, :low] = roll[:, high + 1:] = False
        return roll

    def encode(self, score: Score, conditioning: Conditioning | None = None) -> list[int]:
        roll = self._roll(score)
        active = np.flatnonzero(roll.any(axis=1))
        roll = roll[: active[-1] + 1 if len(active) else 0]  # trailing silence carries nothing
        body = self._body(np.flatnonzero(r) for r in roll)
        return self.prefix(score, conditioning) + body + [self.vocab["EOS"]]

    def encode_frames(self, frames, conditioning: Conditioning | None = None) -> list[int]:
        """`[BOS, cond..., body, EOS]` for a list of pitch sets (no conditioning unless given). Every frame is
        written, empty ones included; a pitch outside [low, high] raises ValueError (dropping it would
        change the likelihood being measured). For the benchmark's frame NLL, sum the NLLs of the body
        tokens (every token after the prefix up to, not including, EOS) and divide by the number of steps."""
        cond = [self.vocab[t] for t in (conditioning or Conditioning()).tokens() if t in self.vocab]
        return [self.vocab["BOS"], *cond, *self._body(frames), self.vocab["EOS"]]

    def _body(self, frames) -> list[int]:
        return self.frame_body(frames).tolist()

    def frame_body(self, frames, in_range: bool = True) -> np.ndarray:
        """(N,) int64 body tokens of a list of pitch sets, as `encode_frames` writes them. Vectorized: a
        piano-roll benchmark piece can have thousands of steps of up to 16 pitches. The body of a piece
        transposed by k semitones is this one plus k at its pitch tokens (those that are not `step_id`).
        With `in_range=False` a pitch outside [low, high] (but in 0..127) gets the id it would have if the
        range went on, which is not a token: for a caller that transposes the piece into range first."""
        low, high = self.pitch_range
        if not in_range:
            low, high = 0, 127
        frames = list(frames)
        counts = np.fromiter((len(f) for f in frames), dtype=np.int64, count=len(frames))
        pitches = np.fromiter((int(p) for f in frames for p in f), dtype=np.int64, count=int(counts.sum()))
        bad = (pitches < low) | (pitches > high)
        if bad.any():
            raise ValueError(f"pitches {sorted(set(pitches[bad].tolist()))[:5]} outside the tokenizer's range "
                             f"{low}..{high}")
        steps = np.repeat(np.arange(len(frames), dtype=np.int64), counts)
        keys = np.unique(steps * 128 + pitches)  # step-major, pitches ascending, each pitch once per step
        step_of = keys // 128
        out = np.full(len(keys) + len(frames), self.step_id, dtype=np.int64)
        out[np.arange(len(keys)) + step_of] = self.first_pitch_id + keys % 128 - self.pitch_range[0]
        return out

    def decode_frames(self, ids) -> list[set[int]]:
        """The pitch set of every complete step (one ended by `Step`); a trailing partial step is ignored."""
        _, body = self.split_prefix(ids)
        frames, current = [], set()
        for i in body:
            if i == self.step_id:
                frames.append(current)
                current = set()
            else:
                current.add(i - self.first_pitch_id + self.pitch_range[0])
        return frames

    def decode(self, ids) -> Score:
        cond, _ = self.split_prefix(ids)
        frames = self.decode_frames(ids)
        roll = np.zeros((len(frames), 128), dtype=bool)
        for t, pitches in enumerate(frames):
            roll[t, list(pitches)] = True
        notes = roll_notes(roll, self.config["steps_per_quarter"])
        return cond.apply(Score(tracks=(Track(notes),)))

    def next_mask(self, last_id: int, end: bool = True) -> np.ndarray:
        """(V,) bool: the tokens that keep a step in canonical order after `last_id`: after Pitch_p a higher
        pitch or Step; otherwise any pitch or Step, and EOS if `end`. With a model's logits masked by it, the
        probabilities of the pitch sets of a step sum to one (plus the chance of EOS, when `end`: pass
        `end=False` to score sequences whose length is given, as the piano-roll benchmark does)."""
        mask = np.zeros(len(self.vocab), dtype=bool)
        n = self.pitch_range[1] - self.pitch_range[0] + 1
        offset = int(last_id) - self.first_pitch_id
        in_step = 0 <= offset < n
        mask[self.first_pitch_id + (offset + 1 if in_step else 0): self.first_pitch_id + n] = True
        mask[self.step_id] = True
        mask[self.vocab["EOS"]] = end and not in_step
        return mask


if __name__ == "__main__":
    print(FrameTokenizer().describe())
