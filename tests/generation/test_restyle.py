"""Restyling keeps the melody's beat notes: to bach they move in the chorale's beat under four parts with
fermatas at the phrase ends; to a folk style each lands on a beat of a jig or reel, with chords and bass; an
unknown style is refused before any work."""

import pytest
import torch

from tunesmith.data.leadsheet import vocabulary
from tunesmith.errors import ConfigError
from tunesmith.generation.given_jobs import restyle_files
from tunesmith.generation.load import Loaded
from tunesmith.generation.request import Request
from tunesmith.generation.restyle import beats_of, restyle
from tunesmith.io import write
from tunesmith.models import build_model
from tunesmith.representation import get_tokenizer
from tunesmith.score.model import KeySignature, Score, TimeSignature, Track, note_array


def model(voices, spq=4, chords=False):
    tok = get_tokenizer("voicegrid", voices=voices, steps_per_quarter=spq)
    vocab = vocabulary(tok) if chords else [*tok.vocab.names, "Mask"]
    torch.manual_seed(0)
    return Loaded(f"m{voices}", "tiny", build_model("seq2seq", "debug", vocab_size=len(vocab)).eval(), tok,
                  {"vocab": vocab}, None, 0.0)


def jig():
    """G major, 6/8: running eighths, a dotted quarter closing every second bar."""
    rows, t = [], 0
    for bar in range(8):
        if bar % 2:
            rows += [(67 + 2 * (bar % 3), t, 240), (71, t + 240, 240), (74, t + 480, 240), (67, t + 720, 720)]
        else:
            rows += [(67 + (i * 2) % 7, t + 240 * i, 240) for i in range(6)]
        t += 1440
    return Score(tracks=(Track(note_array(rows)),), time_signatures=(TimeSignature(0, 6, 8),),
                 key_signatures=(KeySignature(0, 7, "major"),))


def chorale_melody():
    rows = [(72, 480 * i, 480) for i in range(0, 15)] + [(67, 480 * 15, 960)]
    rows = [(p - (i % 3), s, d) for i, (p, s, d) in enumerate(rows)]
    return Score(tracks=(Track(note_array(rows)),), key_signatures=(KeySignature(0, 0, "major"),))


def test_beats_of_a_jig_are_its_dotted_quarters():
    beats = beats_of(jig().tracks[0].notes, jig())
    assert [t for t, _, _ in beats][:4] == [0, 720, 1440, 2160] and all(onset for _, _, onset in beats)


def test_to_bach_is_four_parts_on_the_beat_with_fermatas():
    out, info = restyle(model(4), jig(), "bach", Request())
    assert len(out.tracks) == 4 and info["melody_kept"] == 1.0
    soprano = out.tracks[0].notes
    assert set((soprano["start"] % 720).tolist()) == {0}  # one note a beat at most, on the beat
    assert out.fermatas and out.metadata.style == "bach"


@pytest.mark.parametrize("meter", ["6/8", "4/4"])
def test_to_irish_puts_each_melody_note_on_a_beat_with_chords(meter):
    out, info = restyle(model(1), chorale_melody(), "irish", Request(meter=meter), model(1, 2, chords=True))
    assert info["melody_kept"] == 1.0 and [t.name for t in out.tracks][1:] == ["chords", "bass"]
    ts = out.time_signatures[0]
    assert f"{ts.numerator}/{ts.denominator}" == meter and out.chords and out.metadata.style == "irish"


def test_unknown_styles_are_refused_before_any_work(tmp_path):
    write(jig(), tmp_path / "j.mid")
    with pytest.raises(ConfigError, match="unknown style 'polka'; valid: bach, folk"):
        restyle_files(tmp_path / "j.mid", "polka", Request(), tmp_path / "out")
    with pytest.raises(ConfigError, match="writes 6/8"):
        restyle(model(1), jig(), "irish", Request(meter="5/4"))
    assert not (tmp_path / "out").exists()
