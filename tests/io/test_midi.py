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
    NOTE_DTYPE,
    TPQ,
    KeySignature,
    Metadata,
    Score,
    Tempo,
    TimeSignature,
    Track,
    note_array,
    sort_notes,
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


# hostile files built byte by byte: every one is a ScoreError, with a one-line message naming the file

def varint(n: int) -> bytes:
    """MIDI's variable-length quantity: 7 bits a byte, high bit set on all but the last."""
    out = [n & 0x7F]
    while n := n >> 7:
        out.append(0x80 | (n & 0x7F))
    return bytes(reversed(out))


def smf(*tracks, tpq: int = 480) -> bytes:
    """A format-1 MIDI file of tracks given as [(delta ticks, event bytes), ...]; end-of-track added."""
    chunks = b""
    for events in tracks:
        body = b"".join(varint(dt) + ev for dt, ev in events) + b"\x00\xff\x2f\x00"
        chunks += b"MTrk" + struct.pack(">I", len(body)) + body
    return b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), tpq) + chunks


ON, OFF = b"\x90\x3c\x40", b"\x80\x3c\x40"  # middle C on and off, channel 1
TEXT = b"\xff\x01\x00"  # an empty text event: something to hang a delta time on
HUGE = 0x0FFFFFFF  # the largest delta a 4-byte varint holds: 2**28 - 1 ticks


def test_hand_built_file_reads(tmp_path):
    # the builder above makes files symusic reads: the hostile ones below fail for their own reason
    (tmp_path / "ok.mid").write_bytes(smf([(0, b"\xff\x51\x03\x07\xa1\x20"), (0, ON), (10, OFF)], tpq=96))
    s = read_midi(tmp_path / "ok.mid")
    assert s.tracks[0].notes.tolist() == [(0, 50, 60, 64)] and s.tempos == (Tempo(0, 120.0),)


HOSTILE = {
    # ticks summed past 2**31 wrap around inside symusic: a note seems to start before tick 0
    "wrapped_delta_times": (smf([(HUGE, TEXT)] * 9 + [(0, ON), (10, OFF)]), "negative start"),
    # at 1 tick per quarter, tick 2**28 is tick 2**28 * 480 at TPQ (symusic's resample: OverflowError)
    "note_past_max_tick_after_resampling": (smf([(HUGE, ON), (1, OFF)], tpq=1), "ends after tick"),
    "huge_duration": (smf([(0, ON), (HUGE, OFF)], tpq=1), "ends after tick"),
    "tempo_past_max_tick_after_resampling": (
        smf([(0, ON), (10, OFF), (HUGE, TEXT), (HUGE, b"\xff\x51\x03\x07\xa1\x20")], tpq=7), "Tempo at tick"),
    "note_off_missing": (smf([(0, ON), (10, b"\x90\x3e\x40")]), "holds no notes"),
    "tempo_zero": (smf([(0, b"\xff\x51\x03\x00\x00\x00"), (0, ON), (10, OFF)]), "tempo inf qpm"),
    "resolution_zero": (smf([(0, ON), (10, OFF)], tpq=0), "resolution 0"),
    "key_of_128_flats": (smf([(0, b"\xff\x59\x02\x80\x00"), (0, ON), (10, OFF)]), "key signature of -128"),
    "key_of_tonality_9": (smf([(0, b"\xff\x59\x02\x01\x09"), (0, ON), (10, OFF)]), "tonality 9"),
    "meter_over_2_to_the_255": (smf([(0, b"\xff\x58\x04\x04\xff\x18\x08"), (0, ON), (10, OFF)]),
                                "time signature"),
    "chunk_longer_than_file": (smf([(0, ON), (10, OFF)])[:-6], "not a readable MIDI file"),
    "header_cut_short": (smf([(0, ON), (10, OFF)])[:11], "not a readable MIDI file"),
    "meta_event_longer_than_file": (smf([(0, b"\xff\x03" + varint(HUGE))]), "not a readable MIDI file"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_is_a_score_error(tmp_path, name):
    data, message = HOSTILE[name]
    (tmp_path / f"{name}.mid").write_bytes(data)
    with pytest.raises(ScoreError, match=message) as err:
        read_midi(tmp_path / f"{name}.mid")
    assert str(err.value).startswith(f"{tmp_path / name}.mid: ") and "\n" not in str(err.value)


# reading is vectorized (one array for the whole file, sorted only when it is out of order); these pin it
# to what it replaced: symusic's own resample (zero-length notes dropped first) and a sort of every track

def symusic_reference(data: bytes) -> list[list[tuple]]:
    sm = symusic.Score.from_midi(data)
    for t in sm.tracks:
        t.notes = t.notes.filter(lambda n: n.duration > 0)
    if sm.ticks_per_quarter != TPQ:
        sm = sm.resample(TPQ, min_dur=1)
    rows = [[(n.time, n.duration, n.pitch, n.velocity) for n in t.notes] for t in sm.tracks]
    return [sort_notes(np.array(r, dtype=NOTE_DTYPE)).tolist() for r in rows]


@st.composite
def symusic_scores(draw):
    sm = symusic.Score(draw(st.sampled_from([1, 7, 96, 100, 384, 480, 960, 1000, 32767])))
    for _ in range(draw(st.integers(1, 3))):
        t = symusic.Track()
        for _ in range(draw(st.integers(1, 20))):
            # few starts and pitches, so that chords and notes of one start and pitch are common
            t.notes.append(symusic.Note(draw(st.integers(0, 8)) * draw(st.sampled_from([1, 7, 100, 10_000])),
                                        draw(st.sampled_from([0, 1, 2, 3, 49, 50, 51, 4000])),
                                        draw(st.integers(58, 62)), draw(st.integers(1, 127))))
        sm.tracks.append(t)
    return sm


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(symusic_scores())
def test_property_reading_matches_symusic_resample_and_sort(tmp_path, sm):
    data = sm.dumps_midi()
    (tmp_path / "r.mid").write_bytes(data)
    try:
        got = [t.notes.tolist() for t in read_midi(tmp_path / "r.mid").tracks]
    except ScoreError as e:  # only a file of zero-length notes
        assert "holds no notes" in str(e) or not any(map(len, symusic_reference(data)))
        return
    assert got == symusic_reference(data)


def test_numpy_fallback_reads_the_same(rich_score, tmp_path, monkeypatch):
    from tunesmith.io import midi

    assert midi._pickle_layout_holds()  # with the symusic this project pins, the fast path is the one taken
    write_midi(rich_score, tmp_path / "rich.mid")
    fast = [read_midi(tmp_path / "rich.mid"), read_midi(FIXTURES / "tempos.mid")]
    monkeypatch.setattr(midi, "_pickle_layout_holds", lambda: False)
    assert [read_midi(tmp_path / "rich.mid"), read_midi(FIXTURES / "tempos.mid")] == fast


def test_a_million_tempo_changes(tmp_path):
    # 7 bytes an event: a 7 MB file would be a million Python objects before validate could refuse it
    tempo = varint(0) + b"\xff\x51\x03\x07\xa1\x20"
    body = tempo * (MAX_NOTES + 1) + varint(0) + ON + varint(10) + OFF + b"\x00\xff\x2f\x00"
    data = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">I", len(body)) + body
    (tmp_path / "tempos.mid").write_bytes(data)
    with pytest.raises(ScoreError, match=f"{MAX_NOTES + 1} tempo, meter and key events is more than"):
        read_midi(tmp_path / "tempos.mid")


def test_a_file_larger_than_any_piece_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from tunesmith.io import midi

    monkeypatch.setattr(midi, "MAX_MIDI_BYTES", 100)
    path = tmp_path / "big.mid"
    path.write_bytes(b"MThd" + bytes(200))
    with pytest.raises(ScoreError, match="more than a MIDI file of music holds"):
        midi.read_midi(path)
