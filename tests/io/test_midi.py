"""MIDI through symusic: exact round trips, other resolutions, and corrupt or absurd files."""

import os
import struct
from pathlib import Path

import numpy as np
import pytest
import symusic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tunesmith.errors import ScoreError
from tunesmith.io import read_midi, write_midi
from tunesmith.io.midi import key_from_sharps, sharps_from_key
from tunesmith.score import (
    MAX_NOTES,
    TPQ,
    KeySignature,
    Metadata,
    Score,
    Tempo,
    TimeSignature,
    Track,
    note_array,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"


def music(score: Score) -> Score:
    """The score without metadata: the reader fills title and source from the file name."""
    return score.replace(metadata=Metadata())


def test_round_trip_is_exact(rich_score, tmp_path):
    path = tmp_path / "rich.mid"
    write_midi(rich_score, path)
    back = read_midi(path)
    assert music(back) == music(rich_score)
    assert [(t.program, t.name, t.is_drum) for t in back.tracks] == [
        (40, "Violin", False), (32, "Bass", False), (0, "Kit", True)]
    assert back.metadata == Metadata(title="rich", source=str(path))


def test_round_trip_of_many_tracks_keeps_drum_flags(tmp_path):
    # more tracks than MIDI channels: no pitched track may land on the drum channel
    s = Score(tracks=tuple(Track(note_array([(40 + i, i, 10)]), program=i, name=f"t{i}") for i in range(18)))
    write_midi(s, tmp_path / "many.mid")
    assert music(read_midi(tmp_path / "many.mid")) == s


def test_write_is_atomic_and_leaves_no_temporary_file(rich_score, tmp_path):
    write_midi(rich_score, tmp_path / "a.mid")
    assert [p.name for p in tmp_path.iterdir()] == ["a.mid"]


def test_empty_tracks_are_not_kept(tmp_path):
    # symusic drops tracks without notes on reading (conductor tracks hold only maps): a known limitation
    s = Score(tracks=(Track(note_array([(60, 0, 480)])), Track(note_array(), program=5, name="empty")))
    write_midi(s, tmp_path / "e.mid")
    assert read_midi(tmp_path / "e.mid").tracks == s.tracks[:1]


def test_key_signature_sharps_round_trip_for_all_24_keys():
    for mode in ("major", "minor"):
        for tonic in range(12):
            k = KeySignature(0, tonic, mode)
            sharps = sharps_from_key(k)
            assert -6 <= sharps <= 6
            assert key_from_sharps(sharps, mode == "minor") == k


def test_other_resolution_is_resampled_to_tpq():
    # tempos.mid is written at 96 ticks per quarter; see tests/fixtures/make_fixtures.py
    s = read_midi(FIXTURES / "tempos.mid")
    assert symusic.Score(str(FIXTURES / "tempos.mid")).ticks_per_quarter == 96
    melody, bass = s.tracks
    assert (melody.program, melody.name, bass.program, bass.name) == (73, "melody", 32, "bass")
    # every tick times 5; the zero-length note at 288 is dropped, not stretched to one tick
    assert melody.notes[["pitch", "start", "duration"]].tolist() == [
        (67, 0, 480), (69, 480, 240), (71, 720, 240), (72, 960, 960)]
    assert bass.notes[["pitch", "start", "duration"]].tolist() == [(43, 0, 1440), (48, 1440, 960)]
    assert s.tempos == (Tempo(0, 100.0), Tempo(960, 75.0))
    assert s.time_signatures == (TimeSignature(0, 3, 4), TimeSignature(1440, 2, 4))
    assert s.key_signatures == (KeySignature(0, 7, "major"),)
    # two quarters at 100 qpm (1.2 s), then 75 qpm: 0.8 s a quarter
    np.testing.assert_allclose(s.seconds([0, 960, 1440, 2400]), [0.0, 1.2, 2.0, 3.6])


def test_other_resolution_written_in_the_test(tmp_path):
    sm = symusic.Score(96)
    t = symusic.Track(name="p", program=3)
    t.notes.extend([symusic.Note(0, 96, 60, 80), symusic.Note(48, 24, 64, 70), symusic.Note(100, 0, 65, 70)])
    sm.tracks.append(t)
    sm.dump_midi(str(tmp_path / "96.mid"))
    s = read_midi(tmp_path / "96.mid")
    assert s.tracks[0].notes.tolist() == [(0, 480, 60, 80), (240, 120, 64, 70)]


def test_zero_length_notes_are_dropped(tmp_path):
    sm = symusic.Score(TPQ)
    t = symusic.Track()
    t.notes.extend([symusic.Note(0, 0, 60, 80), symusic.Note(0, 480, 64, 80), symusic.Note(480, 0, 67, 80)])
    sm.tracks.append(t)
    sm.dump_midi(str(tmp_path / "zero.mid"))
    assert read_midi(tmp_path / "zero.mid").tracks[0].notes.tolist() == [(0, 480, 64, 80)]


def test_writing_an_absurd_score_raises_and_writes_nothing(tmp_path):
    s = Score(tracks=(Track(note_array([(200, 0, 480)])),))  # would wrap around in MIDI's 7 bits
    with pytest.raises(ScoreError, match="pitch"):
        write_midi(s, tmp_path / "bad.mid")
    assert list(tmp_path.iterdir()) == []


# corrupt and absurd files: each is a ScoreError with a message naming the file and the problem

def test_empty_file(tmp_path):
    (tmp_path / "empty.mid").write_bytes(b"")
    with pytest.raises(ScoreError, match="empty.mid: empty file"):
        read_midi(tmp_path / "empty.mid")


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes(tmp_path, seed):
    path = tmp_path / "noise.mid"
    path.write_bytes(np.random.default_rng(seed).integers(0, 256, 3000, dtype=np.uint8).tobytes())
    with pytest.raises(ScoreError, match="noise.mid: not a readable MIDI file"):
        read_midi(path)


def test_random_bytes_after_a_valid_header(tmp_path):
    path = tmp_path / "noise.mid"
    path.write_bytes(b"MThd" + struct.pack(">IHHH", 6, 1, 1, 480) + b"MTrk" + os.urandom(64))
    with pytest.raises(ScoreError, match="noise.mid"):
        read_midi(path)


def test_truncated_file():
    with pytest.raises(ScoreError, match="truncated.mid: not a readable MIDI file"):
        read_midi(FIXTURES / "truncated.mid")


def test_truncated_file_written_in_the_test(rich_score, tmp_path):
    write_midi(rich_score, tmp_path / "whole.mid")
    data = (tmp_path / "whole.mid").read_bytes()
    for cut in (3, 13, 14, 22, len(data) // 2, len(data) - 1):
        (tmp_path / "cut.mid").write_bytes(data[:cut])
        with pytest.raises(ScoreError, match="cut.mid"):
            read_midi(tmp_path / "cut.mid")


def test_resolution_zero():
    with pytest.raises(ScoreError, match="resolution 0 ticks per quarter"):
        read_midi(FIXTURES / "resolution0.mid")


def test_smpte_division(tmp_path):
    data = (FIXTURES / "tempos.mid").read_bytes()
    smpte = struct.pack(">H", 0xE728)  # high bit set: -25 frames a second, 40 ticks a frame
    (tmp_path / "smpte.mid").write_bytes(data[:12] + smpte + data[14:])
    with pytest.raises(ScoreError, match="smpte.mid"):
        read_midi(tmp_path / "smpte.mid")


def test_header_without_notes(tmp_path):
    (tmp_path / "silent.mid").write_bytes(b"MThd" + struct.pack(">IHHH", 6, 0, 0, 480))
    with pytest.raises(ScoreError, match="holds no notes"):
        read_midi(tmp_path / "silent.mid")


def test_a_million_notes(tmp_path):
    n = 1_000_000
    assert n > MAX_NOTES
    sm = symusic.Score(TPQ)
    t = symusic.Track()
    t.notes = symusic.Note.from_numpy(
        time=np.arange(n, dtype=np.int32) * 10, duration=np.full(n, 10, np.int32),
        pitch=np.full(n, 60, np.int8), velocity=np.full(n, 80, np.int8),
    )
    sm.tracks.append(t)
    sm.dump_midi(str(tmp_path / "million.mid"))
    with pytest.raises(ScoreError, match="1000000 notes is more than"):
        read_midi(tmp_path / "million.mid")


# property: random small scores round-trip exactly

# tempos whose microseconds per quarter (60e6 / qpm) are whole numbers, so MIDI holds them exactly
EXACT_QPM = (50.0, 60.0, 75.0, 80.0, 96.0, 100.0, 120.0, 125.0, 150.0, 160.0, 200.0, 240.0)


@st.composite
def tracks(draw, is_drum=False):
    """A track of 1..12 notes with no two notes of one pitch overlapping (MIDI could not tell them apart)."""
    rows, busy = [], {}
    for _ in range(draw(st.integers(1, 12))):
        pitch = draw(st.integers(0, 127))
        start = draw(st.integers(0, 8 * TPQ))
        duration = draw(st.integers(1, 2 * TPQ))
        if any(s < start + duration and start < e for s, e in busy.get(pitch, [])):
            continue
        busy.setdefault(pitch, []).append((start, start + duration))
        rows.append((pitch, start, duration, draw(st.integers(1, 127))))
    if not rows:
        rows.append((60, 0, 1, 80))
    return Track(note_array(rows), program=draw(st.integers(0, 127)),
                 name=draw(st.text("abcxyz ", max_size=8)).strip(), is_drum=is_drum)


@st.composite
def scores(draw):
    pitched = draw(st.lists(tracks(), min_size=1, max_size=3))
    drums = draw(st.lists(tracks(is_drum=True), max_size=1))
    tempo_ticks = sorted(set(draw(st.lists(st.integers(1, 8 * TPQ), max_size=2))))
    tempos = [Tempo(t, draw(st.sampled_from(EXACT_QPM))) for t in [0, *tempo_ticks]]
    sig_ticks = sorted(set(draw(st.lists(st.integers(1, 8 * TPQ), max_size=2))))
    sigs = [TimeSignature(t, draw(st.integers(1, 12)), draw(st.sampled_from([2, 4, 8, 16])))
            for t in [0, *sig_ticks]]
    key_ticks = sorted(set(draw(st.lists(st.integers(0, 8 * TPQ), max_size=2))))
    keys = [KeySignature(t, draw(st.integers(0, 11)), draw(st.sampled_from(["major", "minor"])))
            for t in key_ticks]
    return Score(tracks=(*pitched, *drums), tempos=tempos, time_signatures=sigs, key_signatures=keys)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scores())
def test_property_random_scores_round_trip_exactly(tmp_path, score):
    path = tmp_path / "random.mid"
    write_midi(score, path)
    assert music(read_midi(path)) == score
