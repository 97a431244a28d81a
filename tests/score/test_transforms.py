"""Pure transforms: each returns a new score, leaves its input alone, and reports the notes it drops."""

import pytest

from tunesmith.score import (
    TPQ,
    KeySignature,
    Metadata,
    Score,
    Tempo,
    TimeSignature,
    Track,
    merge_tracks,
    note_array,
    quantize,
    skyline,
    slice_bars,
    split_tracks,
    transpose,
)

BAR = 4 * TPQ  # one 4/4 bar


def notes_of(track):
    """(pitch, start, duration) tuples, the order note_array takes."""
    return [(int(n["pitch"]), int(n["start"]), int(n["duration"])) for n in track.notes]


def two_part_score():
    return Score(
        tracks=(
            Track(note_array([(72, 0, TPQ), (74, TPQ, TPQ), (76, 2 * TPQ, 2 * TPQ)]),
                  program=40, name="violin"),
            Track(note_array([(48, 0, BAR), (43, BAR, BAR)]), program=42, name="cello"),
            Track(note_array([(36, 0, TPQ), (38, TPQ, TPQ)]), name="kit", is_drum=True),
        ),
        key_signatures=(KeySignature(0, 0, "major"), KeySignature(BAR, 9, "minor")),
        metadata=Metadata(title="duet"),
    )


# transpose

def test_transpose_moves_pitched_notes_and_keys_but_not_drums():
    s = two_part_score()
    moved, dropped = transpose(s, 3)
    assert dropped == 0
    assert [p for p, _, _ in notes_of(moved.tracks[0])] == [75, 77, 79]
    assert [p for p, _, _ in notes_of(moved.tracks[1])] == [51, 46]
    assert moved.tracks[2] == s.tracks[2]
    assert moved.key_signatures == (KeySignature(0, 3, "major"), KeySignature(BAR, 0, "minor"))
    assert moved.metadata == s.metadata and moved.tempos == s.tempos


def test_transpose_key_wraps_around_the_octave():
    s = Score(key_signatures=(KeySignature(0, 11, "major"),))
    assert transpose(s, 2).score.key_signatures == (KeySignature(0, 1, "major"),)
    assert transpose(s, -12).score.key_signatures == s.key_signatures


def test_transpose_reports_dropped_notes():
    s = Score(tracks=(Track(note_array([(120, 0, 1), (125, 1, 1), (60, 2, 1)])),))
    moved, dropped = transpose(s, 5)
    assert dropped == 1
    assert notes_of(moved.tracks[0]) == [(125, 0, 1), (65, 2, 1)]
    _, dropped_low = transpose(s, -61)
    assert dropped_low == 1


def test_transpose_respects_a_custom_range():
    s = Score(tracks=(Track(note_array([(40, 0, 1), (60, 1, 1), (80, 2, 1)])),))
    moved, dropped = transpose(s, 0, low=48, high=72)
    assert dropped == 2 and notes_of(moved.tracks[0]) == [(60, 1, 1)]


def test_transpose_leaves_its_input_alone():
    s = two_part_score()
    before = [t.notes.copy() for t in s.tracks]
    transpose(s, 7)
    assert all((t.notes == b).all() for t, b in zip(s.tracks, before, strict=True))


# quantize

def test_quantize_snaps_onsets_and_offsets_to_the_grid():
    sixteenth = TPQ // 4
    s = Score(tracks=(Track(note_array([(60, 10, 230), (62, 250, 100), (64, 59, 2), (65, 61, 2)])),))
    q = quantize(s, 4)
    # 10..240 -> 0..240; 250..350 -> 240..360; a 2-tick note keeps one grid step
    assert sorted(notes_of(q.tracks[0])) == sorted([(60, 0, 240), (62, 240, 120), (64, 0, sixteenth),
                                                    (65, 120, sixteenth)])
    assert all(n["start"] % sixteenth == 0 and n["duration"] % sixteenth == 0 for n in q.tracks[0].notes)


def test_quantize_is_idempotent_and_keeps_everything_else():
    s = Score(tracks=(Track(note_array([(60, 7, 333), (67, 500, 91)]), program=5, name="x"),),
              tempos=(Tempo(0, 90.0),), metadata=Metadata(title="q"))
    q = quantize(s, 12)
    assert quantize(q, 12) == q
    assert (q.tracks[0].program, q.tracks[0].name, q.tempos, q.metadata) == (5, "x", s.tempos, s.metadata)


@pytest.mark.parametrize("steps", [0, -4, 7])
def test_quantize_rejects_a_grid_that_does_not_divide_a_quarter(steps):
    with pytest.raises(ValueError, match="divisor"):
        quantize(Score(), steps)


# slice_bars

def sliced_score():
    return Score(
        tracks=(Track(note_array([(60, 0, BAR), (62, BAR - TPQ, 2 * TPQ), (64, BAR, BAR),
                                  (65, 2 * BAR + TPQ, 3 * BAR)]), program=3, name="p"),),
        tempos=(Tempo(0, 100.0), Tempo(BAR + TPQ, 80.0), Tempo(3 * BAR, 60.0)),
        time_signatures=(TimeSignature(0, 4, 4),),
        key_signatures=(KeySignature(0, 7, "major"), KeySignature(2 * BAR, 4, "minor")),
        metadata=Metadata(title="s"),
    )


def test_slice_bars_clips_notes_crossing_the_edges():
    s = slice_bars(sliced_score(), 1, 3)
    # the note crossing into bar 1 keeps its second half; the long note is cut at the end of bar 2
    assert notes_of(s.tracks[0]) == [(62, 0, TPQ), (64, 0, BAR), (65, BAR + TPQ, BAR - TPQ)]
    assert (s.tracks[0].program, s.tracks[0].name, s.metadata) == (3, "p", Metadata(title="s"))


def test_slice_bars_carries_the_maps_over():
    s = slice_bars(sliced_score(), 1, 3)
    # the tempo in force at the slice start moves to tick 0; changes inside shift; later ones go
    assert s.tempos == (Tempo(0, 100.0), Tempo(TPQ, 80.0))
    assert s.key_signatures == (KeySignature(0, 7, "major"), KeySignature(BAR, 4, "minor"))
    assert s.time_signatures == (TimeSignature(0, 4, 4),)


def test_slice_bars_follows_time_signature_changes():
    bar34 = 3 * TPQ
    s = Score(tracks=(Track(note_array([(60, 0, BAR), (62, BAR, bar34), (64, BAR + bar34, bar34)])),),
              time_signatures=(TimeSignature(0, 4, 4), TimeSignature(BAR, 3, 4)))
    out = slice_bars(s, 2, 3)
    assert notes_of(out.tracks[0]) == [(64, 0, bar34)]
    assert out.time_signatures == (TimeSignature(0, 3, 4),)
    assert notes_of(slice_bars(s, 0, 2).tracks[0]) == [(60, 0, BAR), (62, BAR, bar34)]


def test_slice_bars_past_the_end_is_empty():
    s = sliced_score()
    out = slice_bars(s, 40, 42)
    assert out.note_count == 0
    assert out.tempos == (Tempo(0, 60.0),)


def test_slice_bars_after_the_last_note_keeps_the_maps_in_force_there():
    s = Score(tracks=(Track(note_array([(60, 0, TPQ)])),),
              tempos=(Tempo(0, 100.0), Tempo(3 * BAR, 60.0)),
              time_signatures=(TimeSignature(0, 4, 4), TimeSignature(2 * BAR, 3, 4)))
    out = slice_bars(s, 5, 6)  # bars 0, 1 in 4/4; bars 2.. in 3/4: bar 5 starts at 2 * BAR + 3 * (3 * TPQ)
    assert out.note_count == 0
    assert out.tempos == (Tempo(0, 60.0),)
    assert out.time_signatures == (TimeSignature(0, 3, 4),)
    s2 = s.replace(tempos=(Tempo(0, 100.0), Tempo(2 * BAR + 3 * 3 * TPQ + TPQ, 80.0)))
    assert slice_bars(s2, 5, 6).tempos == (Tempo(0, 100.0), Tempo(TPQ, 80.0))


def test_slice_bars_whole_score_is_unchanged():
    s = sliced_score()
    assert slice_bars(s, 0, 100) == s


def test_slice_bars_rejects_an_empty_range():
    with pytest.raises(ValueError):
        slice_bars(sliced_score(), 2, 2)
    with pytest.raises(ValueError):
        slice_bars(sliced_score(), -1, 2)


# merge and split

def test_merge_tracks_puts_pitched_tracks_in_one_and_keeps_drums_apart():
    s = two_part_score()
    m = merge_tracks(s)
    assert len(m.tracks) == 2
    merged, kit = m.tracks
    assert (merged.program, merged.name, merged.is_drum) == (40, "merged", False)
    assert sorted(notes_of(merged)) == sorted(notes_of(s.tracks[0]) + notes_of(s.tracks[1]))
    assert kit == s.tracks[2]
    assert merge_tracks(s, program=0, name="piano").tracks[0].program == 0


def test_merge_tracks_of_drums_only_is_unchanged():
    s = Score(tracks=(Track(note_array([(36, 0, 1)]), is_drum=True),))
    assert merge_tracks(s) == s


def test_split_by_program_groups_tracks_of_one_program():
    s = Score(tracks=(Track(note_array([(60, 0, 1)]), program=0, name="a"),
                      Track(note_array([(70, 0, 1)]), program=40, name="b"),
                      Track(note_array([(50, 0, 1)]), program=0, name="c"),
                      Track(note_array([(36, 0, 1)]), program=0, name="kit", is_drum=True)))
    out = split_tracks(s, "program")
    assert [(t.program, t.name, t.is_drum, len(t)) for t in out.tracks] == [
        (0, "a", False, 2), (40, "b", False, 1), (0, "kit", True, 1)]
    assert out.note_count == s.note_count


def test_split_by_pitch_makes_hands_at_middle_c():
    s = Score(tracks=(Track(note_array([(72, 0, 1), (60, 0, 1), (59, 0, 1), (40, 1, 1)]), name="piano"),))
    upper, lower = split_tracks(s, "pitch").tracks
    assert (upper.name, lower.name) == ("piano upper", "piano lower")
    assert [p for p, _, _ in notes_of(upper)] == [60, 72]
    assert [p for p, _, _ in notes_of(lower)] == [59, 40]


def test_split_by_something_else_is_an_error():
    with pytest.raises(ValueError, match="program"):
        split_tracks(Score(), "colour")


def test_merge_then_split_by_program_restores_a_one_program_score():
    s = Score(tracks=(Track(note_array([(60, 0, 1), (64, 2, 1)]), program=0, name="a"),))
    assert split_tracks(merge_tracks(s, name="a"), "program") == s


# skyline

def test_skyline_keeps_the_highest_note_per_onset_and_cuts_it_at_the_next():
    s = Score(tracks=(
        Track(note_array([(72, 0, 2 * TPQ), (76, TPQ, TPQ), (74, 2 * TPQ, TPQ)]), program=73, name="flute"),
        Track(note_array([(48, 0, 4 * TPQ), (55, 2 * TPQ, TPQ), (80, 3 * TPQ, TPQ)]), program=0),
        Track(note_array([(90, 0, TPQ)]), is_drum=True),
    ))
    melody = skyline(s)
    assert len(melody.tracks) == 1
    t = melody.tracks[0]
    assert (t.name, t.program) == ("melody", 73)
    assert notes_of(t) == [(72, 0, TPQ), (76, TPQ, TPQ), (74, 2 * TPQ, TPQ), (80, 3 * TPQ, TPQ)]


def test_skyline_of_an_empty_score_is_one_empty_track():
    out = skyline(Score())
    assert len(out.tracks) == 1 and len(out.tracks[0]) == 0


def test_fermatas_follow_quantize_and_slices():
    from tunesmith.score import Score, TimeSignature, Track, note_array
    from tunesmith.score.transforms import quantize, slice_bars

    score = Score(tracks=(Track(note_array([(60, 0, 7680)])),), time_signatures=(TimeSignature(0, 4, 4),),
                  fermatas=(1910, 5760))
    assert quantize(score, 4).fermatas == (1920, 5760)
    assert slice_bars(score, 2, 4).fermatas == (1920,)  # bar 3 starts at 3840
