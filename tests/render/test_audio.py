import shutil

import numpy as np
import pytest

from tunesmith.errors import DependencyError, ScoreError, TunesmithError
from tunesmith.render import audio
from tunesmith.render.audio import find_soundfont, render_wav, wav_stats
from tunesmith.score import Score


def _have_synth() -> bool:
    try:
        find_soundfont()
    except DependencyError:
        return False
    return shutil.which(audio.FLUIDSYNTH) is not None


needs_synth = pytest.mark.skipif(not _have_synth(), reason="needs the fluidsynth program and a GM SoundFont")


@needs_synth
def test_wav_lasts_as_long_as_the_piece_and_is_audible(two_bars, tmp_path):
    path = render_wav(two_bars, tmp_path / "two.wav", sample_rate=22050)
    stats = wav_stats(path)
    piece = two_bars.duration_seconds  # 4 s; a bar is 2 s
    assert piece - 1.0 <= stats["seconds"] <= piece + 1.0 + 1.0  # ±0.5 bar, plus at most 1 s of release
    assert stats["rms"] > 0.01
    assert 0.05 < stats["peak"] <= 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["two.wav"]  # no temporary left behind


def test_env_pointing_to_nothing_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setenv("TUNESMITH_SOUNDFONT", str(tmp_path / "missing.sf2"))
    with pytest.raises(TunesmithError, match="fluid-soundfont-gm") as e:
        find_soundfont()
    assert "missing.sf2" in str(e.value)


def test_no_soundfont_anywhere_names_the_debian_package(monkeypatch, tmp_path, two_bars):
    monkeypatch.delenv("TUNESMITH_SOUNDFONT", raising=False)
    monkeypatch.setattr(audio, "SOUNDFONT_PATHS", (str(tmp_path / "*.sf2"),))
    with pytest.raises(DependencyError, match="apt-get install --no-install-recommends fluid-soundfont-gm"):
        render_wav(two_bars, tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()


def test_env_soundfont_is_used(monkeypatch, tmp_path):
    sf = tmp_path / "mine.sf2"
    sf.write_bytes(b"RIFF")
    monkeypatch.setenv("TUNESMITH_SOUNDFONT", str(sf))
    assert find_soundfont() == sf


def test_missing_program_names_the_package(monkeypatch, tmp_path, two_bars):
    monkeypatch.setattr(audio, "FLUIDSYNTH", "no-such-fluidsynth-program")
    with pytest.raises(DependencyError, match="install --no-install-recommends fluidsynth"):
        render_wav(two_bars, tmp_path / "x.wav")


def test_empty_score_is_refused(tmp_path):
    with pytest.raises(ScoreError, match="no notes"):
        render_wav(Score(), tmp_path / "x.wav")


def test_fit_length_trims_with_a_fade_and_pads_with_silence():
    loud = np.full((100, 2), 1000, dtype=np.int16)
    cut = audio._fit_length(loud, 60, fade=10)
    assert cut.shape == (60, 2) and cut[-1].tolist() == [0, 0] and cut[49].tolist() == [1000, 1000]
    padded = audio._fit_length(loud, 150, fade=10)
    assert padded.shape == (150, 2) and not padded[100:].any() and (padded[:100] == 1000).all()
