"""Part-writing rules as sampling constraints: in a voice grid the voices above the one being written are
already known at this step, so a candidate pitch can be tested against them before it is drawn.

The rules are those of `tunesmith.theory.voice_leading`, which the metrics of `tunesmith evaluate` count with:
the same definitions judge a piece and shape it. Like `MaxLeap`, the constraint is soft: in a row where it
would leave no pitch that the hard constraints allow, it is dropped for that token.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tunesmith.generation.constraints import Grid
from tunesmith.theory.voice_leading import MAX_UPPER_GAP, REST, crossed, parallel, too_wide

_NONE = 1 << 30  # no voice above sounds


@dataclass
class VoiceLeading:
    """No parallel fifths or octaves (unisons included) between the voice being written and any voice above it,
    no voice above the melody and none below the bass (inner voices may cross each other, as Bach's alto and
    tenor do: his crossing rate is 0.041, the composed chorales' 0.012 when no voice could cross another,
    which set them apart; `crossing="all"` forbids those too), and, if asked (`spacing`), adjacent upper voices
    within an octave (soprano-alto, alto-tenor; not tenor-bass). Voice 0 is the top voice; a voice grid writes them top
    down. Spacing is off by default: Bach spaces his upper voices wider than an octave 1.6 times a chorale
    (valid split), the chorale model left alone 2.1 times, and with the rule 0.2, which set the composed
    chorales apart from his (the metrics classifier: 0.74 with the rule, 0.65 without, 40 pieces).

    Parallels compare each voice's pitch at this step with the one at the step before, as the metrics compare
    consecutive sonorities: a new note (`Pitch`) can make one, holding or resting cannot. Only new notes are
    refused: a held note that a voice above has moved under still counts as a crossing in the metrics, but
    refusing Hold could leave a row with nothing allowed where a hard rule wants it (the tonic held to the end).
    """

    parallels: bool = True
    crossing: bool | str = True  # True: the outer voices (melody, bass) are never crossed; "all": no voice is
    spacing: bool = False
    soft: bool = field(default=True, init=False)
    volatile: bool = field(default=True, init=False)  # its mask changes with nearly every note (Rules)

    def key(self, g: Grid):
        v = g.voice
        if v == 0:
            return None
        now = np.where(g.sounding[:, : v + 1], g.last_pitch[:, : v + 1], -1)  # (B, v + 1): above, and this one
        return v, now.tobytes(), g.previous[:, :v].tobytes()

    def __call__(self, g: Grid) -> np.ndarray:
        b, v = g.last_pitch.shape[0], g.voice
        if v == 0:
            return g.everything(b)
        if b == 1 and not self.spacing:
            return self._one(g, v)
        return self._rows(g, b, v)

    def _one(self, g: Grid, v: int) -> np.ndarray:
        """The mask of a single row, in plain Python over the few pitches that matter: it runs at every token of
        every voice but the top one, where `_rows` (the same rules over arrays) cost more than the model's step."""
        here = int(g.sounding_pitch(v)[0])
        now = [int(x) for x in g.sounding_pitch(slice(0, v))[0]] if v else []
        before = [int(x) for x in g.previous[0, :v]]
        crossable = range(v) if v == g.voices - 1 or self.crossing == "all" else range(1)
        sounding_above = [now[u] for u in crossable if now[u] != REST]
        lowest = min(sounding_above) if self.crossing and sounding_above else None
        low, high = g.tok.pitch_range
        bad = []
        for u in range(v) if self.parallels and here != REST else ():
            if before[u] == REST or now[u] == REST or now[u] == before[u] or abs(here - before[u]) % 12 % 7:
                continue  # no motion, or not from a perfect interval: no parallel can follow
            up = now[u] > before[u]
            ic = abs(here - before[u]) % 12
            bad += [p for p in range(low, high + 1) if p != here and (p > here) == up and abs(p - now[u]) % 12 == ic]
        if lowest is None:
            base = g.everything(1)[0]
        else:
            base = g.mask(("not above", lowest), lambda: ~(g.pitch_of > lowest))
        if not bad:
            return base[None]
        out = base.copy()
        out[[g.tok.first_pitch_id + p - low for p in bad]] = False
        return out[None]

    def _rows(self, g: Grid, b: int, v: int) -> np.ndarray:
        p = g.pitch_of[None, :]  # (1, V) the pitch of each candidate token, REST for Hold, Rest, EOS
        here = g.sounding_pitch(v)[:, None]  # (B, 1) this voice before the step
        bad = np.zeros((b, g.vocab_size), np.bool_)
        lowest = np.full((b, 1), _NONE)  # the lowest pitch sounding above this voice now (that it may not cross)
        # inner voices may cross each other, as Bach's alto and tenor do now and then; nothing crosses the
        # melody, and the bass crosses nothing
        crossable = range(v) if v == g.voices - 1 or self.crossing == "all" else range(1)
        for u in range(v):
            before, now = g.previous[:, u, None], g.sounding_pitch(u)[:, None]
            # only from a perfect fifth or octave can a parallel one follow: most of the time there is none to test
            if self.parallels and ((before != REST) & (here != REST) & (np.abs(here - before) % 12 % 7 == 0)).any():
                bad |= parallel(here, before, p, now, 7) | parallel(here, before, p, now, 0)
            if u in crossable:
                lowest = np.where(now != REST, np.minimum(lowest, now), lowest)
        if self.crossing:  # below every voice above that sounds, not only the next one (it may rest)
            bad |= crossed(np.where(lowest < _NONE, lowest, REST), p)
        if self.spacing and v < g.voices - 1:  # the lowest pair (tenor-bass) may lie wide
            bad |= too_wide(g.sounding_pitch(v - 1)[:, None], p, MAX_UPPER_GAP)
        return ~bad
