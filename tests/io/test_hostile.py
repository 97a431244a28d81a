"""Small files that hung the music21 paths, exhausted memory or escaped as another exception type: each is now
a ScoreError that says what is absurd (the fuzz test covers random corruption; these are the named cases)."""

import io
import zipfile

import pytest

from tunesmith.errors import ScoreError
from tunesmith.io import READERS, limits, read
from tunesmith.io.music21 import from_abc_music21

pytestmark = pytest.mark.filterwarnings("ignore")

NOTE = "<note><pitch><step>C</step><octave>4</octave></pitch><duration>{duration}</duration></note>"


def musicxml(beats="4", duration="1", divisions="1", prolog="", part_name="x", fifths="2") -> str:
    """A one-measure, four-note MusicXML score with the given fields."""
    return (f'<?xml version="1.0"?>{prolog}<score-partwise version="4.0"><part-list><score-part id="P1">'
            f'<part-name>{part_name}</part-name></score-part></part-list><part id="P1"><measure number="1">'
            f"<attributes><divisions>{divisions}</divisions><key><fifths>{fifths}</fifths></key><time>"
            f"<beats>{beats}</beats><beat-type>4</beat-type></time></attributes>{NOTE.format(duration=duration) * 4}"
            "</measure></part></score-partwise>")


def mxl(xml: bytes) -> bytes:
    return zip_of({"META-INF/container.xml": '<container><rootfiles><rootfile full-path="score.xml"/>'
                                             "</rootfiles></container>", "score.xml": xml})


def zip_of(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buffer.getvalue()


def write(folder, name: str, data):
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_a_plain_musicxml_reads(tmp_path):
    assert read(write(tmp_path, "ok.musicxml", musicxml())).note_count == 4


def test_an_mxl_reads_its_rootfile(tmp_path):
    assert read(write(tmp_path, "ok.mxl", mxl(musicxml().encode()))).note_count == 4


@pytest.mark.parametrize("name, text, reason", [
    ("beats.musicxml", musicxml(beats="-99999"), "meter -99999/4 is absurd"),
    ("big-meter.musicxml", musicxml(beats="1000"), "meter 1000/4 is absurd"),
    ("odd-meter.musicxml", musicxml(beats="x"), "meter 'x'/'4' is not a number"),
    ("long.musicxml", musicxml(duration="1000000000000"), "of 1e.12 quarter notes"),
    ("inf.musicxml", musicxml(duration="1e999"), "<duration> '1e999' is not a number"),
    ("divisions.musicxml", musicxml(divisions="0"), "<divisions> 0 is not positive"),
    ("key.musicxml", musicxml(fifths="99999999"), "a key of 99999999 sharps is absurd"),  # 10 s and more before
    ("empty.musicxml", "<score-partwise/>", "holds no parts"),
    ("timewise.musicxml", "<score-timewise/>", "not <score-partwise>"),
    ("xxe.musicxml", musicxml(prolog='<!DOCTYPE score-partwise [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                              part_name="&e;"), "declares the XML entity 'e'"),
    ("laughs.musicxml", musicxml(prolog='<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
                                 part_name="&b;"), "declares the XML entity 'a'"),
])
def test_absurd_musicxml_is_a_clear_score_error(tmp_path, name, text, reason):
    with pytest.raises(ScoreError, match=f"{name}: .*{reason}"):
        read(write(tmp_path, name, text))


def test_an_mxl_that_inflates_past_the_limit_is_refused_before_inflating(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XML_BYTES", 1 << 20)
    bomb = mxl(musicxml(part_name=" " * (2 << 20)).encode())  # 2 MiB of XML in about 2 KB
    assert len(bomb) < 10_000
    with pytest.raises(ScoreError, match="bomb.mxl: its score inflates to 2 MiB, more than the 1 MiB"):
        read(write(tmp_path, "bomb.mxl", bomb))


@pytest.mark.parametrize("name, data", [
    ("noise.mxl", b"PK\x03\x04" + bytes(range(256)) * 4),
    ("no-score.mxl", zip_of({"readme.txt": "hello"})),
    ("cut.mxl", mxl(musicxml().encode())[:-40]),
])
def test_a_broken_mxl_is_a_score_error(tmp_path, name, data):
    with pytest.raises(ScoreError, match=name):
        read(write(tmp_path, name, data))


# ABC: abc2midi is bypassed (no X: line), so that each tune reaches the music21 fallback
@pytest.mark.parametrize("text, reason", [
    ("M:4/4\nL:1/8\nK:C\nCDE d9999992|CDEF|GABc|\n", "a note 5e.06 quarter notes long"),
    ("M:4/4\nL:100000/1\nK:C\nCDEF|GABc|\n", "a note 400000 quarter notes long"),
    ("M:1000/4\nL:1/8\nK:C\nCDEF|GABc|\n", "meter 1000/4 is absurd"),
    ("M:4/4\nL:1/8\nK:C\nCDEF|\nM:1000/4\nGABc|\n", "meter 1000/4 is absurd"),  # a change of meter
    ("M:4/4\nL:1/8\nK:C\n" + "C" * 100 + "|\n", "a bar longer than 32 quarter notes"),
    ("M:4/4\nL:1/8\nK:C\nV:1\nCDEF|\nV:2\n" + "c8|" * 3 + "c" * 80 + "|\n", "a bar longer than 32"),
    ("M:4/4\nL:1/8\nK:C\n" + "(" * 10_000 + "CDEF|\n", "more than 64 slurs open at once"),  # 8 s before
    # ten end repeats without a start: each doubled the tune (36 s before)
    ("M:3/4\nL:1/4\nK:Gm\n|:G A B|c2 d|(3BAG A>F|G3:|" + "d|(3BAG A>F|G3:|" * 10 + "\n",
     "its repeats would play more than 1000 bars"),
    ("M:4/4\nL:1/8\nK:C\n" + "CDEF|" * 1001 + "\n", "more than 1000 bars in a voice"),
])
def test_absurd_abc_is_a_clear_score_error(tmp_path, text, reason):
    with pytest.raises(ScoreError, match=reason):
        from_abc_music21(text)
    with pytest.raises(ScoreError, match=f"tune.abc: .*music21: {reason}"):
        read(write(tmp_path, "tune.abc", text))


def test_a_number_that_makes_abc2midi_loop_is_refused_before_running_it():
    # abc2midi ran until its time limit on this 111-byte tune (2^64 as a note length, inside a repeat)
    from tunesmith.io.abc import from_abc

    text = "X:1\nT:t\nM:6/8\nL:1/8\nK:D\n|:DFA dAF|G2B d18446744073709551616B|1FED E3:|2FED D3|]\n"
    with pytest.raises(ScoreError, match="a number of 20 digits"):
        from_abc(text)


def test_only_the_first_tune_reaches_music21():
    # the second tune would be refused; the fallback never looks at it
    two = "T:First\nM:2/4\nL:1/8\nK:C\nCDEF|\nX:2\nT:Second\nM:1000/4\nK:C\nC|\n"
    assert from_abc_music21("X:1\n" + two).metadata.title == "First"


@pytest.mark.parametrize("text, reason", [
    ('{"format": "tunesmith-score", "tpq": ' + "9" * 5000 + "}", "not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply|not valid JSON"),
    ('{"format": "tunesmith-score", "tpq": 480, "tracks": [{"notes": [], "program": 0, "name": 7, '
     '"is_drum": false}], "tempos": [], "time_signatures": [], "key_signatures": [], "metadata": {}}',
     "name is a int, not a str"),
    ('{"format": "tunesmith-score", "tpq": 480, "tracks": [], "tempos": [], "time_signatures": [], '
     '"key_signatures": [], "metadata": {"title": null}}', "title is a NoneType"),
    ('{"format": "tunesmith-score", "tpq": 480, "tracks": [{"notes": [[60, 0, 1e400, 80]], "program": 0, '
     '"name": "", "is_drum": false}], "tempos": [], "time_signatures": [], "key_signatures": [], "metadata": {}}',
     "OverflowError"),
])
def test_absurd_json_is_a_clear_score_error(tmp_path, text, reason):
    with pytest.raises(ScoreError, match=f"bad.json: .*({reason})"):
        read(write(tmp_path, "bad.json", text))


def test_json_with_more_notes_than_a_score_holds_is_refused_before_building_arrays(tmp_path, monkeypatch):
    monkeypatch.setattr("tunesmith.io.json.MAX_NOTES", 3)
    text = ('{"format": "tunesmith-score", "tpq": 480, "tracks": [{"notes": [[60, 0, 1, 80], [60, 1, 1, 80], '
            '[60, 2, 1, 80], [60, 3, 1, 80]], "program": 0, "name": "", "is_drum": false}], "tempos": [], '
            '"time_signatures": [], "key_signatures": [], "metadata": {}}')
    with pytest.raises(ScoreError, match="more than the 3 notes"):
        read(write(tmp_path, "many.json", text))


def test_an_unexpected_exception_in_a_reader_is_still_a_score_error(tmp_path, monkeypatch, caplog):
    def buggy(path):
        raise AttributeError("'NoneType' object has no attribute 'notes'")

    monkeypatch.setitem(READERS, ".json", buggy)
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(ScoreError, match="x.json: unreadable .AttributeError") as caught:
        read(tmp_path / "x.json")
    assert isinstance(caught.value.__cause__, AttributeError)  # how the fuzz tests tell this net from a reader
    assert "a bug in its reader" in caplog.text
