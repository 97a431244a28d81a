"""Excerpts are N-bar windows cut at bar lines, from pieces of the asked meters only, each kept once."""

import pytest

from tunesmith.data.arrays import write_arrays
from tunesmith.data.excerpts import Excerpts, bar_steps, excerpts_of, write_excerpts
from tunesmith.errors import TunesmithError
from tunesmith.representation.voicegrid import VoiceGridTokenizer
from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array

TOK = VoiceGridTokenizer(voices=1)


def piece(bars_of_pitches, meter=(4, 4)):
    """One voice, bar by bar: each bar's pitches share it equally (None: a silent bar)."""
    rows, t = [], 0
    bar = meter[0] * 1920 // meter[1]
    for pitches in bars_of_pitches:
        if pitches is not None:
            for i, p in enumerate(pitches):
                rows.append((p, t + i * bar // len(pitches), bar // len(pitches)))
        t += bar
    return Score(tracks=(Track(note_array(rows)),), time_signatures=(TimeSignature(0, *meter),),
                 key_signatures=(KeySignature(0, 0, "major"),))


def test_bar_steps():
    assert bar_steps("4/4", 4) == 16 and bar_steps("6/8", 4) == 12 and bar_steps("2/2", 4) == 16
    with pytest.raises(TunesmithError, match="not a meter"):
        bar_steps("four", 4)


def test_windows_start_on_bar_lines_and_skip_empty_bars():
    ids = TOK.encode(piece([[60, 62], [64], None, [65, 67], [69]]))
    windows, cond, firsts = excerpts_of(ids, TOK.vocab.names, 1, 2, 16)
    assert firsts == [0, 3]  # windows with the silent bar 2 are dropped
    assert windows.shape == (2, 32)
    assert TOK.vocab.name(int(windows[1, 0])) == "Pitch_65" and TOK.vocab.name(int(windows[1, 16])) == "Pitch_69"
    assert [TOK.vocab.name(int(i)).split("_")[0] for i in cond] == ["Style", "Key", "Meter", "Tempo"]


def test_meters_and_duplicates(tmp_path):
    same = [[60, 62], [64, 65], [67, 69]]
    pieces = [("a", 0, TOK.encode(piece(same))), ("b", 0, TOK.encode(piece(same))),
              ("c", 0, TOK.encode(piece([[60], [62], [64]], meter=(3, 4))))]
    arrays = write_arrays(tmp_path / "arrays", TOK, {"train": pieces, "valid": pieces[2:]})
    ex = Excerpts.load(write_excerpts(arrays, tmp_path / "ex", 2))
    assert ex.count("train") == 2 and ex.count("valid") == 0  # a and b give the same two windows; c is in 3/4
    assert ex.layout == {"bars": 2, "steps_per_bar": 16, "voices": 1, "length": 32, "meters": ["4/4", "2/2"]}
    assert ex.rows("train").tolist() == [[0, 0, 0], [0, 1, 0]]
    three = Excerpts.load(write_excerpts(arrays, tmp_path / "ex34", 3, meters=("3/4",)))
    assert three.count("valid") == 1 and three.split("valid").shape == (1, 36)
    with pytest.raises(TunesmithError, match="bars of different lengths"):
        write_excerpts(arrays, tmp_path / "mixed", 2, meters=("4/4", "3/4"))


def test_not_excerpts_and_not_a_voice_grid(tmp_path):
    from tunesmith.representation.remi import RemiTokenizer

    arrays = write_arrays(tmp_path / "remi", RemiTokenizer(), {"train": [("a", 0, [1, 2])]})
    with pytest.raises(TunesmithError, match="voice-grid"):
        write_excerpts(arrays, tmp_path / "ex", 2)
    with pytest.raises(TunesmithError, match="not excerpts"):
        Excerpts.load(arrays)
    assert not (tmp_path / "ex" / "meta.json").exists()
