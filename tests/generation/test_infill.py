"""Infilling writes only the chosen bars and voices: the music before and after the span, and the voices kept
inside it, stay note for note; bars are numbered as printed (a pickup is bar 0); bad spans and voices are one
clear error."""

import pytest
import torch

from tunesmith.errors import ConfigError
from tunesmith.generation.given_jobs import infill_files
from tunesmith.generation.infill import infill, parse_bars, parse_voices
from tunesmith.generation.load import Loaded
from tunesmith.generation.request import Request
from tunesmith.io import write
from tunesmith.models import build_model
from tunesmith.representation import get_tokenizer
from tunesmith.score.model import KeySignature, Score, TimeSignature, Track, note_array


def chorale(voices=4, bars=6, pickup=True):
    """Quarter notes in 4/4 in each voice, after a one-beat pickup."""
    first = 1440 if pickup else 0
    tracks = []
    for v, base in enumerate((72, 67, 60, 48)[:voices]):
        n = (bars * 1920 - first) // 480
        tracks.append(Track(note_array([(base + (i * (v + 2)) % 5, first + 480 * i, 480) for i in range(n)])))
    return Score(tracks=tuple(tracks), time_signatures=(TimeSignature(0, 4, 4),),
                 key_signatures=(KeySignature(0, 0, "major"),))


def make(name, voices):
    tok = get_tokenizer("voicegrid", voices=voices)
    torch.manual_seed(0)
    conditional = name == "seq2seq"
    model = build_model(name, "debug", vocab_size=len(tok.vocab) + conditional).eval()
    vocab = [*tok.vocab.names, *(["Mask"] if conditional else [])]
    return Loaded(f"{name}-{voices}", "tiny", model, tok, {"vocab": vocab}, None, 0.0)


@pytest.mark.parametrize(("name", "voices"), [("seq2seq", 4), ("transformer", 4), ("seq2seq", 1)])
def test_only_the_span_and_its_chosen_voices_change(name, voices):
    piece = chorale(voices)
    which = "alto,tenor" if voices == 4 else None
    out, _, info = infill(make(name, voices), piece, 2, 3, which, Request(seed=1))
    start, end = info["span"]["ticks"]
    assert (start, end) == (1920 * 2, 1920 * 4)  # bar 0 is the pickup
    chosen = info["span"]["voices"]
    assert chosen == ([1, 2] if voices == 4 else [0])
    changed = False
    for v, (old, new) in enumerate(zip(piece.tracks, out.tracks)):
        a, b = old.notes, new.notes
        outside = lambda n: n[(n["start"] + n["duration"] <= start) | (n["start"] >= end)]  # noqa: E731
        assert outside(a).tolist() == outside(b).tolist(), v
        if v not in chosen:
            assert a.tolist() == b.tolist(), v
        else:
            changed |= a.tolist() != b.tolist()
    assert changed


def test_spans_and_voices_are_read_and_checked():
    assert parse_bars("5-6") == (5, 6) and parse_bars("7") == (7, 7)
    with pytest.raises(ConfigError, match="FIRST-LAST"):
        parse_bars("five")
    assert parse_voices("alto,tenor", 4) == [1, 2] and parse_voices("4,1", 4) == [0, 3]
    with pytest.raises(ConfigError, match="unknown voice 'viola'; valid: soprano, alto, tenor, bass"):
        parse_voices("viola", 4)
    with pytest.raises(ConfigError, match="bars 6-9 lie outside the piece: its bars are 0..5"):
        infill(make("seq2seq", 4), chorale(), 6, 9)


def test_an_empty_span_is_written_with_a_warning_and_too_many_voices_refused():
    piece = chorale(4)
    silent = piece.replace(tracks=tuple(t.replace(notes=t.notes[(t.notes["start"] < 1920 * 2) |
                                                                (t.notes["start"] >= 1920 * 3)]) for t in piece.tracks))
    out, _, info = infill(make("seq2seq", 4), silent, 2, 2)
    assert any("hold no notes" in w for w in info["warnings"])
    with pytest.raises(ConfigError, match="the piece has 4 voices; the model seq2seq-1 writes 1"):
        infill(make("seq2seq", 1), piece, 2, 2)


def test_the_job_writes_its_files_and_nothing_for_a_bad_span(tmp_path):
    write(chorale(4), tmp_path / "c.mid")
    r = infill_files(make("seq2seq", 4), tmp_path / "c.mid", "1-2", Request(), tmp_path / "out", formats=("mid",))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["c-infilled-0.json", "c-infilled-0.mid"]
    assert r["span"]["bars"] == [1, 2]
    with pytest.raises(ConfigError, match="outside the piece"):
        infill_files(make("seq2seq", 4), tmp_path / "c.mid", "40-41", Request(), tmp_path / "out2")
    assert not (tmp_path / "out2").exists()
