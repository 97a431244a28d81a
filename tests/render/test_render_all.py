import logging
import subprocess
import sys

import pytest

from tunesmith.errors import ConfigError, DependencyError
from tunesmith.render import FORMATS, audio, render_all


def test_missing_soundfont_raises_unless_skipped(monkeypatch, tmp_path, two_bars, caplog):
    monkeypatch.setenv("TUNESMITH_SOUNDFONT", str(tmp_path / "none.sf2"))
    with pytest.raises(DependencyError, match="fluid-soundfont-gm"):
        render_all(two_bars, tmp_path / "out", "song", formats=("mid", "wav", "json"))
    with caplog.at_level(logging.WARNING, logger="tunesmith.render"):
        written = render_all(two_bars, tmp_path / "out", "song", formats=("mid", "wav", "json"),
                             skip_missing=True)
    assert list(written) == ["mid", "json"]
    assert all(p.is_file() for p in written.values())
    assert "song.wav not written" in caplog.text and "fluid-soundfont-gm" in caplog.text


def test_all_formats(monkeypatch, tmp_path, two_bars):
    monkeypatch.setattr(audio, "FLUIDSYNTH", "no-such-fluidsynth-program")  # keep this test fast
    written = render_all(two_bars, tmp_path, "song", skip_missing=True)
    assert list(written) == [f for f in FORMATS if f != "wav"]
    assert {p.name for p in written.values()} == {f"song.{f}" for f in written}
    assert 'class="note"' in written["svg"].read_text()


def test_bad_arguments(tmp_path, two_bars):
    with pytest.raises(ConfigError, match="valid: mid, wav"):
        render_all(two_bars, tmp_path, "song", formats=("mp3",))
    with pytest.raises(ConfigError, match="plain file name"):
        render_all(two_bars, tmp_path, "../song")


def test_import_is_cheap():
    code = ("import sys, tunesmith.render; "
            "print(sorted(m for m in ('matplotlib', 'music21', 'verovio', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
