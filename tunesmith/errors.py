"""The one error type users see: every bad input becomes a TunesmithError with a clear message."""


class TunesmithError(Exception):
    """Base of every error tunesmith raises on purpose; the CLI prints its message without a traceback."""


class ScoreError(TunesmithError):
    """A file or score is corrupt, empty, truncated or absurd (e.g. resolution 0, a million notes)."""


class ConfigError(TunesmithError):
    """An unknown name or an out-of-range parameter."""


class DependencyError(TunesmithError):
    """An optional program, library or data file (FluidSynth, a SoundFont, verovio) is not installed;
    the message names what to install."""
