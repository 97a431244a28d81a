"""The score written as a musician writes it (tunesmith.io.notation): each point checked on the MusicXML read back
as an element tree (tests/io/written.py), on small scores built here, on real pieces of the prepared corpora
(skipped without them), and on pieces the shipped models compose."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from tunesmith.data.cache import Corpus, cache_root
from tunesmith.io import read_musicxml, write_musicxml
from tunesmith.io.notation import clef_for, fermata_ticks, layers
from tunesmith.score import TPQ, KeySignature, Metadata, Score, Tempo, TimeSignature, Track, note_array
from tunesmith.theory.spelling import key_fifths, keys_for, step_alter, tonic_tpc

from . import written as w

pytestmark = pytest.mark.filterwarnings("ignore")  # music21 warns freely
Q = TPQ
SATB = [("Soprano", "S."), ("Alto", "A."), ("Tenor", "T."), ("Bass", "B.")]
# the user's prepared corpora, read only: taken at import, before the suite points TUNESMITH_CACHE at a private one
REAL_CACHE = cache_root() / "corpora"


@pytest.fixture
def real_corpora():
    """real_corpora(name, n) -> n (piece id, Score) pairs evenly spaced through a prepared corpus; skips the test
    when the corpus has not been prepared (`tunesmith data prepare --corpus all`)."""

    def pieces(name: str, n: int):
        if not (REAL_CACHE / name / "index.json").is_file():
            pytest.skip(f"corpus {name!r} is not prepared in {REAL_CACHE.parent}")
        corpus = Corpus.load(REAL_CACHE / name)
        for i in np.linspace(0, len(corpus) - 1, n).astype(int):
            yield corpus.records[i]["id"], corpus.score(int(i))

    return pieces


@pytest.fixture(scope="module")
def composed(tmp_path_factory):
    """composed(model) -> (path, Score) of 20 4-bar pieces the shipped model composes (seeds 0..19)."""
    from tunesmith.generation.load import SHIPPED

    def pieces(model: str):
        if not (SHIPPED / model / "config.json").is_file():
            pytest.skip(f"no shipped model {model!r}")
        from tunesmith.generation.job import compose_files
        from tunesmith.generation.request import Request
        from tunesmith.io.json import from_dict

        out = tmp_path_factory.mktemp(model)
        reports = compose_files(model, Request(bars=4, seed=0), out, n=20, formats=("musicxml",))
        return [(out / f"{model}-{r['seed']}.musicxml", from_dict(r["score"])) for r in reports]

    return pieces


def write_root(score: Score, tmp_path, name="s.musicxml") -> ET.Element:
    write_musicxml(score, tmp_path / name)
    return ET.parse(tmp_path / name).getroot()


def one_part(notes, meter=(4, 4), key=None, **kw) -> Score:
    return Score(tracks=(Track(note_array(notes), program=40),), time_signatures=(TimeSignature(0, *meter),),
                 key_signatures=(key,) if key else (), **kw)


def types(root, part=0):
    """(type, dots, tied-on) of each note of a part's measures, as written."""
    return [[(n.findtext("type"), len(n.findall("dot")), any(t.get("type") == "start" for t in n.findall("tie")))
             for _, _, n in rows] for _, _, rows in w.notes_by_measure(w.parts(root)[part])]


def test_half_notes_dotted_halves_and_rests_follow_the_beats(tmp_path):
    # 4/4: a half on beat 1, a half on beat 3; then a half on beat 2; then a dotted half on beat 2
    root = write_root(one_part([(60, 0, 2 * Q), (62, 2 * Q, 2 * Q), (64, 5 * Q, 2 * Q), (65, 9 * Q, 3 * Q)]), tmp_path)
    bars = types(root)
    assert bars[0] == [("half", 0, False), ("half", 0, False)]  # no tie inside a half note
    assert bars[1] == [("quarter", 0, False), ("half", 0, False), ("quarter", 0, False)]  # rest, half, rest
    assert bars[2] == [("quarter", 0, False), ("quarter", 0, True), ("half", 0, False)]  # dotted half on beat 2: tied
    w.assert_ties_where_needed(root)


def test_six_eight_is_written_in_dotted_quarters(tmp_path):
    notes = [(67, i * Q // 2, Q // 2) for i in range(6)] + [(69, 3 * Q, Q // 2), (71, 3 * Q + Q // 2, Q),
                                                            (72, 9 * Q // 2, 3 * Q // 2)]
    root = write_root(one_part(notes, meter=(6, 8), tempos=(Tempo(0, 120.0),)), tmp_path)
    beams = [[b.text for b in n.findall("beam")] for _, _, rows in w.notes_by_measure(w.parts(root)[0])
             for _, _, n in rows]
    assert beams[:6] == [["begin"], ["continue"], ["end"], ["begin"], ["continue"], ["end"]]
    assert types(root)[1] == [("eighth", 0, False), ("quarter", 0, False), ("quarter", 1, False)]  # e-q in a beat
    assert w.metronome(root) == ("quarter", True, 80.0)  # the beat: a dotted quarter at 80
    w.assert_beams_within_beats(root)


def test_a_pickup_is_an_anacrusis_and_the_last_bar_completes_it(tmp_path):
    score = one_part([(67, 2 * Q, Q), (72, 3 * Q, 3 * Q), (71, 6 * Q, 2 * Q)], meter=(3, 4))
    root = write_root(score, tmp_path)
    measures = w.parts(root)[0].findall("measure")
    assert [(m.get("number"), m.get("implicit")) for m in measures] == [("0", "yes"), ("1", "no"), ("2", "no")]
    w.assert_pickup(root, score)
    assert types(root)[-1] == [("half", 0, False)]  # two beats: no rest after the last note
    back = read_musicxml(tmp_path / "s.musicxml")  # and read back on the bar grid
    assert back.tracks[0].notes.tolist() == score.tracks[0].notes.tolist()


def test_silent_bars_before_the_music_are_not_written(tmp_path):
    root = write_root(one_part([(60, 4 * Q + 3 * Q, Q), (62, 8 * Q, 4 * Q)]), tmp_path)
    measures = w.parts(root)[0].findall("measure")
    assert [m.get("number") for m in measures] == ["0", "1"]  # the pickup of bar 2, not a bar of rests


def test_every_part_has_the_key_and_spelling_follows_it(tmp_path):
    e_major = [(64, 0, Q), (66, Q, Q), (68, 2 * Q, Q), (69, 3 * Q, Q), (71, 4 * Q, Q), (73, 5 * Q, Q), (75, 6 * Q, Q),
               (76, 7 * Q, Q)]
    score = Score(tracks=(Track(note_array(e_major)), Track(note_array([(52, 0, 8 * Q)]), program=32)),
                  key_signatures=(KeySignature(0, 4, "major"),))
    root = write_root(score, tmp_path)
    assert w.key_fifths(root) == [4, 4]
    steps = [w.written_step(n) for _, _, rows in w.notes_by_measure(w.parts(root)[0]) for _, _, n in rows]
    assert ("D", 1) in steps and ("E", -1) not in steps  # D-sharp, not E-flat, in E major
    w.assert_accidentals_read_right(root)


def test_without_a_key_signature_the_estimated_key_is_written(tmp_path):
    a_minor = [(57, 0, Q), (60, Q, Q), (64, 2 * Q, Q), (68, 3 * Q, Q), (69, 4 * Q, 4 * Q)]
    root = write_root(one_part(a_minor), tmp_path)
    assert w.key_fifths(root) == [0] and root.findtext(".//key/mode") == "minor"
    assert list(w.leading_tones(root, 9)) == [("G", 1)]  # the raised leading tone: G-sharp


def test_accidentals_shown_once_per_bar_not_on_ties_and_with_a_courtesy(tmp_path):
    # C major: F#, F# again (no sign), F# tied over the bar (no sign), then F (a courtesy natural)
    score = one_part([(66, 0, Q), (66, Q, Q), (66, 3 * Q, 2 * Q), (65, 6 * Q, Q)], key=KeySignature(0, 0, "major"))
    root = write_root(score, tmp_path)
    shown = [n.findtext("accidental") for _, _, rows in w.notes_by_measure(w.parts(root)[0]) for _, _, n in rows
             if n.find("pitch") is not None]
    assert shown == ["sharp", None, None, None, "natural"]
    w.assert_accidentals_read_right(root)


def test_satb_names_clefs_and_fermatas(tmp_path):
    voices = [(72, 67, 64, 48), (71, 67, 62, 43), (72, 64, 55, 48)]
    tracks = tuple(Track(note_array([(chord[v], i * 2 * Q, 2 * Q) for i, chord in enumerate(voices)]), program=52,
                         name=name) for v, name in enumerate(("soprano", "alto", "tenor", "bass")))
    score = Score(tracks=tracks, key_signatures=(KeySignature(0, 0, "major"),), fermatas=(2 * Q, 2 * Q + Q // 2))
    root = write_root(score, tmp_path)
    assert w.part_names(root) == SATB
    assert w.clefs(root) == ["treble", "treble", "bass", "bass"]
    assert [w.fermata_onsets(root, p) for p in range(4)] == [[2 * Q]] * 4  # the alto's tick an eighth later: one
    assert w.title(root) == "Chorale in C major"
    assert root.find(".//part-group/group-symbol").text == "bracket"


def test_instrument_names_and_a_low_tune_in_bass_clef(tmp_path):
    low = Score(tracks=(Track(note_array([(43 + i, i * Q, Q) for i in range(8)]), program=42),))
    root = write_root(low, tmp_path)
    assert w.part_names(root) == [("Violoncello", "Vc.")] and w.clefs(root) == ["bass"]
    assert w.title(root).startswith("Tune in ")
    assert clef_for([60, 64, 67, 72]) == "treble" and clef_for([40, 43, 48]) == "bass"


def test_parts_of_one_instrument_are_numbered(tmp_path):
    score = Score(tracks=(Track(note_array([(76, 0, Q)]), program=40), Track(note_array([(72, 0, Q)]), program=40)))
    assert w.part_names(write_root(score, tmp_path)) == [("Violin 1", "Vln. 1"), ("Violin 2", "Vln. 2")]


def test_overlapping_notes_of_a_track_are_a_second_voice(tmp_path):
    notes = note_array([(72, 0, 4 * Q), (60, 0, Q), (64, 0, Q), (62, Q, 3 * Q)])  # a chord, and a held note above
    assert [len(v) for v in layers(notes)] == [2, 1]
    root = write_root(Score(tracks=(Track(notes),)), tmp_path)
    voices = {n.findtext("voice") for _, _, rows in w.notes_by_measure(w.parts(root)[0]) for _, _, n in rows}
    assert voices == {"1", "2"}
    assert root.find(".//note[@print-object='no']") is None  # no gap in either voice: no hidden rest needed
    back = read_musicxml(tmp_path / "s.musicxml")
    assert sorted(back.tracks[0].notes.tolist()) == sorted(notes.tolist())


def test_drum_tracks_are_left_out(tmp_path):
    score = Score(tracks=(Track(note_array([(60, 0, Q)])), Track(note_array([(36, 0, Q)]), is_drum=True)))
    assert len(w.parts(write_root(score, tmp_path))) == 1


def test_fermatas_of_the_readers_cluster_within_a_beat():
    score = Score(tracks=(Track(note_array([(60, 0, 8 * Q)])),), fermatas=(3 * Q, 3 * Q + Q // 2, 7 * Q))
    assert fermata_ticks(score) == [3 * Q, 7 * Q]


# --- real pieces of the prepared corpora, and composed ones ------------------------------------------------------


def check_piece(score: Score, tmp_path, name: str) -> ET.Element:
    """Every point of the issue, on one piece written and read back."""
    path = tmp_path / f"{name.replace('/', '_')}.musicxml"
    write_musicxml(score, path)
    root = ET.parse(path).getroot()
    plans = [t for t in score.tracks if len(t) and not t.is_drum]
    key = keys_for(score)[0]
    assert w.key_fifths(root) == [key_fifths(key)] * len(plans), name
    if [t.name.lower() for t in plans] == ["soprano", "alto", "tenor", "bass"]:
        assert w.part_names(root) == SATB and w.clefs(root) == ["treble", "treble", "bass", "bass"], name
    elif len(plans) == 1 and np.median(plans[0].notes["pitch"]) >= 60:
        assert w.clefs(root) == ["treble"], name
    w.assert_pickup(root, score)
    w.assert_ties_where_needed(root)
    w.assert_beams_within_beats(root)
    w.assert_accidentals_read_right(root)
    if key.mode == "minor":  # the leading tone rising to the tonic: the letter below the tonic's (never a flat)
        letters = {step for step, _ in w.leading_tones(root, key.tonic)}
        below = "CDEFGAB"[("CDEFGAB".index(step_alter(tonic_tpc(key))[0]) - 1) % 7]
        assert letters <= {below}, f"{name}: leading tone written {letters} in {key.name}"
    pickup = w.pickup_ticks(score)
    shift = score.time_signatures[0].bar_ticks - pickup if pickup else 0
    soprano_onsets = set(plans[0].notes["start"].tolist())
    expected = [t - shift for t in fermata_ticks(score) if t in soprano_onsets]
    assert w.fermata_onsets(root, 0) == expected, name
    unit, dotted, number = w.metronome(root)
    assert number * (1.5 if dotted else 1) * {"quarter": 1, "half": 2, "eighth": 0.5}[unit] == pytest.approx(
        score.tempos[0].qpm, abs=0.01), name
    assert w.title(root) == (score.metadata.title or w.title(root)) and w.title(root), name
    back = read_musicxml(path)
    assert [t.notes[["start", "duration", "pitch"]].tolist() for t in back.tracks] == [
        t.notes[["start", "duration", "pitch"]].tolist() for t in plans], name
    assert back.time_signatures == score.time_signatures and back.key_signatures[:1] == (
        score.key_signatures[:1] or back.key_signatures[:1]), name
    return root


def test_real_chorales(real_corpora, tmp_path):
    for piece_id, score in real_corpora("chorales", 20):
        check_piece(score, tmp_path, piece_id)


def test_real_folk_tunes(real_corpora, tmp_path):
    for corpus in ("essen", "oneills", "ryans", "airds"):
        for piece_id, score in real_corpora(corpus, 5):
            check_piece(score, tmp_path, piece_id)


@pytest.mark.parametrize("model", ["chorales", "folk"])
def test_composed_pieces(model, composed, tmp_path):
    for path, score in composed(model):
        root = check_piece(score, tmp_path, path.stem)
        if model == "chorales":
            assert w.fermata_onsets(root, 0), "a composed chorale marks its phrase ends"


def test_a_chorale_written_and_read_keeps_the_title_composer_and_meter(tmp_path):
    score = one_part([(60, 0, 4 * Q)], meter=(3, 2), metadata=Metadata(title="Nun danket", composer="J. Crüger"))
    root = write_root(score, tmp_path)
    assert w.title(root) == "Nun danket" and root.findtext(".//creator[@type='composer']") == "J. Crüger"
    assert w.metronome(root) == ("half", False, 60.0)
