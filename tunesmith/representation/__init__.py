"""Token representations of scores, behind one protocol (`tunesmith.representation.base.Tokenizer`).

    tok = get_tokenizer("remi")
    ids = tok.encode(score)                        # [BOS, style/key/meter/tempo..., body..., EOS]
    assert tok.decode(ids) == tok.normalize(score)

- remi: bar/position/program/pitch/velocity/duration events, for any polyphonic multi-track music;
- frame: the set of sounding pitches per grid step, for piano-roll likelihoods;
- voicegrid: one Pitch/Hold/Rest token per voice per step, for chorales, harmonization and infilling.
"""

from __future__ import annotations

import importlib

from tunesmith.errors import ConfigError

# name -> "module:class". Import paths rather than classes keep `import tunesmith.representation` free of
# the tokenizer modules, so that `python -m tunesmith.representation.remi` runs without runpy's warning
# about a module imported twice (once by the package, once as __main__).
REPRESENTATIONS = {
    "remi": "tunesmith.representation.remi:RemiTokenizer",
    "frame": "tunesmith.representation.frame:FrameTokenizer",
    "voicegrid": "tunesmith.representation.voicegrid:VoiceGridTokenizer",
}


def tokenizer_class(name: str):
    """The Tokenizer class registered as `name`; an unknown name is a ConfigError listing the valid ones."""
    if name not in REPRESENTATIONS:
        raise ConfigError(f"unknown representation {name!r}; valid: {', '.join(REPRESENTATIONS)}")
    module, cls = REPRESENTATIONS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def get_tokenizer(name: str, **config):
    """A tokenizer by registry name and keyword config, e.g. `get_tokenizer("frame", steps_per_quarter=2)`."""
    cls = tokenizer_class(name)
    try:
        return cls(**config)
    except TypeError as e:  # an unknown config key
        raise ConfigError(f"bad config for {name!r}: {e}") from None


__all__ = ["REPRESENTATIONS", "get_tokenizer", "tokenizer_class"]
