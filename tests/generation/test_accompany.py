"""Accompaniment: chord symbols that begin on beats, from the key when asked, ending on the tonic; the melody
unchanged; a texture by meter and style (oom-pah-pah in 3/4, a jig's bass and chord in 6/8, block chords for a
chorale); the files written, and an unknown style refused before any work."""

import numpy as np
import pytest
import torch

from tunesmith.data.leadsheet import TONES, vocabulary
from tunesmith.errors import ConfigError
from tunesmith.generation.accompany import ChordRules, accompany, consensus, texture
from tunesmith.generation.given_jobs import accompany_files
from tunesmith.generation.load import Loaded
from tunesmith.generation.request import Request
from tunesmith.io import write
from tunesmith.models import build_model
from tunesmith.representation import get_tokenizer
from tunesmith.score.model import KeySignature, Score, TimeSignature, Track, note_array
from tunesmith.theory.scales import key_pitch_classes

TOK = get_tokenizer("voicegrid", voices=1, steps_per_quarter=2)


@pytest.fixture(scope="module")
def loaded():
    torch.manual_seed(0)
    vocab = vocabulary(TOK)
    return Loaded("acc", "tiny", build_model("seq2seq", "debug", vocab_size=len(vocab)).eval(), TOK,
                  {"vocab": vocab}, None, 0.0)


def tune(meter=(3, 4), bars=8):
    """D major: eighths and quarters wandering the scale, ending on D."""
    beat = 480 * 4 // meter[1]
    total = bars * meter[0] * beat
    rows, t, i = [], 0, 0
    scale = [62, 64, 66, 67, 69, 71, 73, 74]
    while t < total - 960:
        d = 240 if i % 3 else 480
        rows.append((scale[(i * 3) % 8], t, d))
        t, i = t + d, i + 1
    rows.append((62, t, total - t))
    return Score(tracks=(Track(note_array(rows)),), time_signatures=(TimeSignature(0, *meter),),
                 key_signatures=(KeySignature(0, 2, "major"),))


@pytest.mark.parametrize("meter", [(3, 4), (6, 8), (2, 4), (4, 4)])
def test_chords_begin_on_beats_in_key_and_end_on_the_tonic(loaded, meter):
    piece = tune(meter)
    out, _, info = accompany(loaded, piece, "folk", Request(in_key=True, seed=3))
    assert out.tracks[0].notes.tolist() == piece.tracks[0].notes.tolist()  # the melody as it was
    beat = 480 * 4 // meter[1] * (3 if meter[0] % 3 == 0 and meter[0] > 3 else 1)
    assert out.chords and all(c.tick % beat == 0 for c in out.chords)
    pcs = key_pitch_classes(2, "major")
    assert all((c.root + t) % 12 in pcs for c in out.chords for t in TONES[c.quality])
    last_onset = int(piece.tracks[0].notes["start"][-1])
    final = [c for c in out.chords if c.tick <= last_onset][-1]
    assert (final.root, final.quality) == (2, "maj")
    assert len(info["chords"]) == len(out.chords) and [t.name for t in out.tracks] == ["melody", "chords", "bass"]


def test_no_chord_stops_once_the_first_has_begun_on_the_first_beat():
    vocab = vocabulary(TOK)
    melody = np.full(4, TOK.hold_id)
    rules = ChordRules(TOK, len(vocab), melody, {1, 3}, (2, "major"), False, 0.0, None)
    rest, hold, d = TOK.rest_id, TOK.hold_id, vocab.index("Chord_D_maj")
    seen = []
    for cell in (TOK.hold_id, rest, TOK.hold_id, d, TOK.hold_id, hold, TOK.hold_id):  # melody and chord cells
        allowed = rules.allowed()[0]
        seen.append((bool(allowed[rest]), bool(allowed[hold]), bool(allowed[d])))
        rules.advance([cell])
    # step 0 (no beat): only Rest; step 1 (a beat): a chord must begin; step 2: Hold, no Rest
    assert seen[1] == (True, False, False) and seen[3] == (False, False, True) and seen[5] == (False, True, False)


def test_the_consensus_takes_on_each_beat_the_chord_most_samples_chose():
    A, B, C, D = (0, "maj"), (7, "maj"), (9, "min"), (5, "maj")
    samples = [[A, A, B, B, B], [A, A, C, C, None], [D, D, B, B, B]]
    assert consensus(samples, {0, 2, 4}) == [A, A, B, B, B]
    assert consensus(samples, {0, 2}) == [A, A, B, B, B]  # held to the next beat, whatever the samples do between
    assert consensus([[A, B], [B, A]], {0, 1}) == [A, B]  # a tie: the earliest sample's


def test_the_chords_are_the_seed_s_for_any_number_of_votes_and_absurd_votes_are_refused(loaded):
    piece = tune((4, 4), bars=4)
    for votes in (1, 16):
        first, _, _ = accompany(loaded, piece, "folk", Request(seed=5), votes=votes)
        again, _, _ = accompany(loaded, piece, "folk", Request(seed=5), votes=votes)
        assert first.chords and first.chords == again.chords
    for votes in (0, 257):
        with pytest.raises(ConfigError, match="votes must be 1 to 256"):
            accompany(loaded, piece, "folk", Request(), votes=votes)


def test_textures_follow_meter_and_style():
    labels = [(7, "maj")] * 24  # G major for 24 eighths
    waltz = Score(time_signatures=(TimeSignature(0, 3, 4),))
    chords, bass = texture(waltz, labels, "folk")
    assert bass.notes["start"].tolist() == [0, 1440, 2880, 4320] and set(bass.notes["pitch"] % 12) == {7}
    assert sorted(set(chords.notes["start"].tolist())) == [480, 960, 1920, 2400, 3360, 3840, 4800, 5280]
    jig = Score(time_signatures=(TimeSignature(0, 6, 8),))
    chords, bass = texture(jig, labels, "folk")
    assert bass.notes["start"].tolist() == list(range(0, 5760, 720)) and (bass.notes["duration"] == 480).all()
    assert sorted(set(chords.notes["start"].tolist())) == list(range(480, 5760, 720))
    chords, bass = texture(waltz, labels, "chorale")
    assert len(bass) == 12 and len(chords) == 36 and (chords.notes["duration"] == 480).all()
    assert np.all(np.isin(chords.notes["pitch"] % 12, [7, 11, 2]))


def test_the_job_writes_chord_symbols_into_the_musicxml(loaded, tmp_path):
    write(tune(), tmp_path / "t.mid")
    r = accompany_files(loaded, tmp_path / "t.mid", Request(), tmp_path / "out", "folk", formats=("musicxml",))
    xml = (tmp_path / "out" / "t-accompanied-0.musicxml").read_text()
    assert xml.count("<harmony") == len(r["chords"]) > 0
    with pytest.raises(ConfigError, match="unknown style 'polka'; valid: folk, chorale"):
        accompany_files(loaded, tmp_path / "t.mid", Request(), tmp_path / "out2", "polka")
    assert not (tmp_path / "out2").exists()


def test_a_model_that_is_not_an_accompanist_is_refused(tmp_path):
    tok = get_tokenizer("voicegrid", voices=4)
    other = Loaded("h", "h", build_model("seq2seq", "debug", vocab_size=len(tok.vocab) + 1), tok,
                   {"vocab": [*tok.vocab.names, "Mask"]}, None, 0.0)
    with pytest.raises(ConfigError, match="not an accompaniment model"):
        accompany(other, tune())
