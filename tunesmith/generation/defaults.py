"""Defaults of composing, in a module without imports so that `tunesmith compose --help` shows them without
loading torch.

The soft key, the rhythm preference and the nucleus are tuned per shipped model and kept in its config.json
("compose": the setting that brought the most composed pieces inside the range of the real validation
pieces on in-key rate, pitch-class entropy and note density, then the one the metrics classifier tells least
from real pieces; the sweeps are in bench/RESULTS.md). The values here serve a model that has none: those
of the default (chorale) model, which composes best with no nucleus cut: at most steps "hold" is its
likeliest token and each possible new note a small one, so a cut makes the music slower.
"""

KEY_PENALTY = 0.5  # nats taken from pitches outside the key's scale
HOLD_PENALTY = 0.25  # nats taken from holding a note
TOP_P = 1.0  # nucleus sampling mass (1: off)
BARLINE_PENALTY = 0.0  # nats taken from holding a note over a bar line, on top of HOLD_PENALTY
TUNED = ("key_penalty", "hold_penalty", "top_p", "barline_penalty")  # the Request fields a config.json may set
