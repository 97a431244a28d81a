"""Audio: a score to a WAV file through the FluidSynth program and a General MIDI SoundFont.

We run the `fluidsynth` program rather than the pyfluidsynth binding: the program is one Debian package
(`fluidsynth`), renders a MIDI file faster than real time with `-F`, and a crash in it cannot take Python
down with it. The score goes to MIDI through `tunesmith.io.write_midi`, so what you hear is the .mid file.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from tunesmith.errors import ConfigError, DependencyError, ScoreError, TunesmithError
from tunesmith.io.midi import write_midi
from tunesmith.score.model import Score

log = logging.getLogger(__name__)

FLUIDSYNTH = "fluidsynth"  # the program, looked up on $PATH
SOUNDFONT_ENV = "TUNESMITH_SOUNDFONT"
# Searched in order after $TUNESMITH_SOUNDFONT; globs allowed. Debian/Ubuntu first, then Fedora/Arch.
SOUNDFONT_PATHS = (
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/default-GM.sf2",
    "/usr/share/sounds/sf3/*.sf3",
    "/usr/share/soundfonts/default.sf2",
    "/usr/share/soundfonts/*.sf2",
)
SOUNDFONT_HELP = (
    "install a General MIDI SoundFont (Debian/Ubuntu: apt-get install --no-install-recommends "
    f"fluid-soundfont-gm) or set ${SOUNDFONT_ENV} to a .sf2/.sf3 file"
)
GAIN = 0.8  # FluidSynth's default of 0.2 is quiet; 0.8 leaves headroom for 4-6 voices without clipping
FADE_SECONDS = 0.05  # fade applied where the release tail is cut, so the file does not end in a click


def find_soundfont() -> Path:
    """The SoundFont to use: $TUNESMITH_SOUNDFONT if set, else the first of SOUNDFONT_PATHS that exists."""
    env = os.environ.get(SOUNDFONT_ENV, "")
    if env:
        if Path(env).is_file():
            return Path(env)
        # Set but wrong is a mistake worth reporting, not a reason to fall back silently.
        raise DependencyError(f"${SOUNDFONT_ENV}={env} is not a file; {SOUNDFONT_HELP}")
    for pattern in SOUNDFONT_PATHS:
        for hit in sorted(glob.glob(pattern)):
            if Path(hit).is_file():
                return Path(hit)
    raise DependencyError(f"no SoundFont found (looked in {', '.join(SOUNDFONT_PATHS)}); {SOUNDFONT_HELP}")


def find_fluidsynth() -> str:
    """Path of the `fluidsynth` program; DependencyError naming the package when it is not installed."""
    program = shutil.which(FLUIDSYNTH)
    if program is None:
        raise DependencyError(
            f"the {FLUIDSYNTH!r} program is not on $PATH; install it "
            "(Debian/Ubuntu: apt-get install --no-install-recommends fluidsynth)"
        )
    return program


def render_wav(score: Score, path, soundfont=None, sample_rate: int = 44100, release: float = 1.0) -> Path:
    """Render a score to a 16-bit stereo WAV file through FluidSynth; returns the path.

    The file lasts exactly `score.duration_seconds + release` seconds: FluidSynth renders a reverb and
    release tail of a few seconds after the last note-off, which is cut (with a short fade) to `release`
    seconds, or padded with silence if shorter. Writes go to a temporary name, then rename.
    """
    path = Path(path)
    if score.note_count == 0:
        raise ScoreError("the score holds no notes; there is nothing to render")
    if not 8000 <= sample_rate <= 192000:
        raise ConfigError(f"sample rate {sample_rate} Hz outside 8000..192000")
    program = find_fluidsynth()
    if soundfont is None:
        sf = find_soundfont()
    else:
        sf = Path(soundfont)
        if not sf.is_file():
            raise ConfigError(f"SoundFont {sf}: no such file")
    seconds = score.duration_seconds

    with tempfile.TemporaryDirectory(prefix="tunesmith-wav-") as tmp:
        mid, raw = Path(tmp, "in.mid"), Path(tmp, "out.wav")
        write_midi(score, mid)
        # dynamic sample loading reads only the samples of the instruments played, not all 140 MB of a
        # General MIDI SoundFont: the same file, 0.4 s sooner
        cmd = [program, "-ni", "-q", "-g", str(GAIN), "-r", str(sample_rate), "-T", "wav", "-O", "s16",
               "-o", "synth.dynamic-sample-loading=1", "-F", str(raw), str(sf), str(mid)]
        log.debug("running %s", " ".join(cmd))
        try:
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=60 + 2 * seconds)  # it renders ~100x faster than real time
        except subprocess.TimeoutExpired:
            raise TunesmithError(f"fluidsynth took too long rendering {seconds:.0f} s of music") from None
        if done.returncode != 0 or not raw.is_file() or raw.stat().st_size == 0:
            detail = (done.stderr or done.stdout).strip()[-500:]
            raise TunesmithError(f"fluidsynth failed (exit status {done.returncode}): {detail}")
        frames, channels, width, rate = _read_frames(raw)

    if rate != sample_rate:
        raise TunesmithError(f"fluidsynth wrote {rate} Hz instead of the {sample_rate} Hz asked for")
    frames = _fit_length(frames, round((seconds + release) * rate), round(FADE_SECONDS * rate))
    tmp_path = path.with_name(f".{path.name}.tmp")
    try:
        with wave.open(str(tmp_path), "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(width)
            w.setframerate(rate)
            w.writeframes(frames.tobytes())
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)
    return path


def _fit_length(frames: np.ndarray, n: int, fade: int) -> np.ndarray:
    """Cut (fading out the last `fade` frames) or zero-pad (frames, channels) to exactly n frames."""
    if len(frames) >= n:
        frames = frames[:n].copy()
        k = min(fade, n)
        if k:
            ramp = np.linspace(1.0, 0.0, k)[:, None]  # (k, 1) broadcast over channels
            frames[n - k:] = (frames[n - k:] * ramp).astype(frames.dtype)
        return frames
    pad = np.zeros((n - len(frames), frames.shape[1]), dtype=frames.dtype)
    return np.concatenate([frames, pad])


_SAMPLE_TYPES = {1: np.uint8, 2: np.dtype("<i2"), 4: np.dtype("<i4")}


def _read_frames(path) -> tuple[np.ndarray, int, int, int]:
    """(frames (n, channels) as stored, channels, sample width in bytes, frame rate) of a PCM WAV file."""
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            data = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as e:
        raise TunesmithError(f"{path}: not a readable PCM WAV file ({e})") from None
    if width not in _SAMPLE_TYPES:
        raise TunesmithError(f"{path}: {8 * width}-bit samples are not supported (8, 16 or 32 bit)")
    return np.frombuffer(data, dtype=_SAMPLE_TYPES[width]).reshape(-1, channels), channels, width, rate


def wav_stats(path) -> dict:
    """Length and loudness of a WAV file: {"seconds", "rms", "peak"}, levels as fractions of full scale."""
    frames, _, width, rate = _read_frames(path)
    x = frames.astype(np.float64)
    if width == 1:  # 8-bit WAV is unsigned, centred on 128
        x -= 128.0
    x /= float(2 ** (8 * width - 1))
    return {
        "seconds": len(frames) / rate,
        "rms": float(np.sqrt(np.mean(x**2))) if x.size else 0.0,
        "peak": float(np.abs(x).max()) if x.size else 0.0,
    }
