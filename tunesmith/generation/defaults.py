"""Defaults of composing, in a module without imports so that `tunesmith compose --help` shows them without
loading torch.

The soft key and the rhythm preference are tuned per shipped model and kept in its config.json ("compose":
the setting that brought the most composed pieces inside the range of the real validation pieces on in-key
rate, pitch-class entropy and note density; the sweeps are in bench/RESULTS.md). The values here serve a
model that has none: those of the default (chorale) model. No nucleus cut by default: it makes the music
slower, since at most steps "hold" is the likeliest token and each possible new note a small one.
"""

KEY_PENALTY = 0.5  # nats taken from pitches outside the key's scale
HOLD_PENALTY = 0.25  # nats taken from holding a note
TOP_P = 1.0  # nucleus sampling mass (1: off)
TUNED = ("key_penalty", "hold_penalty")  # the Request fields a model's config.json may set
