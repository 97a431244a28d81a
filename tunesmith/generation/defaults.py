"""Tuned defaults of composing, in a module without imports so that `tunesmith compose --help` shows them
without loading torch.

The soft key, the rhythm preference and no nucleus cut: the setting that brought the most composed chorales
inside the range of the real validation pieces on in-key rate, pitch-class entropy and note density (38 of 40;
the sweep over key 0..1, hold 0..0.75 and top-p 0.95 / 1 is in bench/RESULTS.md). A nucleus cut makes the
music slower: at most steps "hold" is the likeliest token, and each possible new note a small one.
"""

KEY_PENALTY = 0.5  # nats taken from pitches outside the key's scale
HOLD_PENALTY = 0.25  # nats taken from holding a note
TOP_P = 1.0  # nucleus sampling mass (1: off)
