"""The README's main path, end to end: prepare a tiny corpus subset, tokenize it, and compose with the
shipped default model into the six files, checking what a newcomer would check."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def tunesmith(*args, env=None):
    r = subprocess.run([sys.executable, "-m", "tunesmith", *args], capture_output=True, text=True, timeout=600,
                       env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_readme_gives_exactly_the_two_commands():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Two commands.*?```sh\n(.*?)```", text, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    demo = re.search(r"^demo:.*?\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert "tunesmith compose" in demo


def test_data_path_on_a_tiny_subset(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNESMITH_CACHE", str(tmp_path))
    out = tunesmith("data", "prepare", "--corpus", "chorales", "--limit", "3")
    assert "3 pieces" in out and (tmp_path / "corpora" / "chorales-3" / "CARD.md").is_file()
    out = tunesmith("data", "tokenize", "--corpus", "chorales", "--limit", "3", "--representation", "voicegrid")
    assert "vocabulary" in out


@pytest.mark.skipif(not (ROOT / "tunesmith" / "shipped" / "chorales" / "config.json").is_file(),
                    reason="no shipped default model")
def test_compose_with_the_default_model(tmp_path):
    import pretty_midi
    from music21 import converter

    from tunesmith.io import read
    from tunesmith.render.audio import wav_stats

    out = tunesmith("compose", "--bars", "4", "--meter", "4/4", "--tempo", "90", "-o", str(tmp_path))
    assert "4 bars" in out
    stem = tmp_path / "chorales-0"
    for ext in ("mid", "wav", "png", "musicxml", "svg", "json"):
        assert stem.with_suffix(f".{ext}").stat().st_size > 0
    score = read(stem.with_suffix(".mid"))
    stats = wav_stats(stem.with_suffix(".wav"))
    bar = 4 * 60 / 90
    assert stats["rms"] > 1e-3  # audible, not silent
    assert abs(stats["seconds"] - 4 * bar) <= bar + 1.0  # the piece's length, plus the release tail
    # the MIDI opens in pretty_midi and music21 with the same notes
    ours = sorted((int(n["pitch"]), int(n["start"])) for t in score.tracks for n in t.notes)
    pm = pretty_midi.PrettyMIDI(str(stem.with_suffix(".mid")))
    theirs = sorted((n.pitch, pm.time_to_tick(n.start)) for i in pm.instruments for n in i.notes)
    assert ours == theirs
    # music21 splits a note that crosses a bar line into tied notes: join them again
    m21 = converter.parse(str(stem.with_suffix(".mid")), quantizePost=False).stripTies()
    pitches = sorted(p.midi for n in m21.flatten().notes for p in n.pitches)
    assert pitches == sorted(p for p, _ in ours)
    assert np.isfinite(score.duration_seconds)
