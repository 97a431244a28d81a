"""The JSON form: an exact round trip, and a clear ScoreError for anything that is not a valid score."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tunesmith.errors import ScoreError
from tunesmith.io import read_json, write_json
from tunesmith.io.json import from_dict, to_dict
from tunesmith.score import TPQ, KeySignature, Metadata, Score, Tempo, TimeSignature, Track, note_array


def test_round_trip_is_exact_including_metadata(rich_score, tmp_path):
    s = rich_score.replace(metadata=Metadata("t", "c", "chorales", "bach", "public domain", "bach/bwv1"))
    write_json(s, tmp_path / "s.json")
    assert read_json(tmp_path / "s.json") == s
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temporary file left


def test_round_trip_of_an_empty_score(tmp_path):
    write_json(Score(), tmp_path / "empty.json")
    assert read_json(tmp_path / "empty.json") == Score()


def test_to_dict_is_plain_json():
    d = to_dict(Score(tracks=(Track(note_array([(60, 0, 480, 90)])),)))
    assert json.loads(json.dumps(d)) == d
    assert d["tpq"] == TPQ and d["tracks"][0]["notes"] == [[60, 0, 480, 90]]
    assert from_dict(d) == Score(tracks=(Track(note_array([(60, 0, 480, 90)])),))


def test_writing_an_absurd_score_raises(tmp_path):
    with pytest.raises(ScoreError, match="tempo"):
        write_json(Score(tempos=(Tempo(0, 0.0),)), tmp_path / "bad.json")
    assert list(tmp_path.iterdir()) == []


def valid() -> dict:
    s = Score(tracks=(Track(note_array([(60, 0, 480)])),), key_signatures=(KeySignature(0, 0, "major"),))
    return to_dict(s)


def edit(path, value):
    """A valid score dict with the item at `path` (a tuple of keys) replaced, or removed for DELETE."""
    d = valid()
    *parents, last = path
    node = d
    for k in parents:
        node = node[k]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return d


DELETE = object()
MALFORMED = {
    "not json": b"{tracks: [",
    "empty": b"",
    "binary": b"\xff\xfe\x00\x01",
    "a list": b"[1, 2, 3]",
    "a number": b"42",
    "null": b"null",
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "another format": json.dumps({"format": "something", "tracks": []}).encode(),
    "other resolution": json.dumps(edit(("tpq",), 96)).encode(),
    "missing tracks": json.dumps(edit(("tracks",), DELETE)).encode(),
    "tracks a dict": json.dumps(edit(("tracks",), {"a": 1})).encode(),
    "note too short": json.dumps(edit(("tracks", 0, "notes"), [[60, 0]])).encode(),
    "note not numbers": json.dumps(edit(("tracks", 0, "notes"), [["C4", 0, 480]])).encode(),
    "huge tick": json.dumps(edit(("tracks", 0, "notes"), [[60, 10**30, 480]])).encode(),
    "huge pitch": json.dumps(edit(("tracks", 0, "notes"), [[10**6, 0, 480]])).encode(),
    "pitch 128": json.dumps(edit(("tracks", 0, "notes"), [[128, 0, 480]])).encode(),
    "zero duration": json.dumps(edit(("tracks", 0, "notes"), [[60, 0, 0]])).encode(),
    "infinite tempo tick": json.dumps(edit(("tempos",), [[float("inf"), 120]])).encode(),
    "nan tempo": json.dumps(edit(("tempos",), [[0, float("nan")]])).encode(),
    "bad time signature": json.dumps(edit(("time_signatures",), [[0, 4, 5]])).encode(),
    "short time signature": json.dumps(edit(("time_signatures",), [[0, 4]])).encode(),
    "bad key": json.dumps(edit(("key_signatures",), [[0, 99, "dorian"]])).encode(),
    "unknown metadata": json.dumps(edit(("metadata",), {"mood": "sad"})).encode(),
    "metadata null": json.dumps(edit(("metadata",), None)).encode(),
    "program a string": json.dumps(edit(("tracks", 0, "program"), "piano")).encode(),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_json_is_a_score_error(tmp_path, name):
    path = tmp_path / "bad.json"
    path.write_bytes(MALFORMED[name])
    with pytest.raises(ScoreError, match="bad.json: "):
        read_json(path)


def test_the_message_says_what_is_wrong(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(edit(("tpq",), 96)))
    with pytest.raises(ScoreError, match="resolution 96"):
        read_json(path)
    path.write_text("[1]")
    with pytest.raises(ScoreError, match="not a tunesmith score JSON"):
        read_json(path)


# property: random small scores round-trip exactly (JSON holds any tempo, not only MIDI's)

@st.composite
def scores(draw):
    tracks = []
    for _ in range(draw(st.integers(0, 3))):
        rows = draw(st.lists(st.tuples(st.integers(0, 127), st.integers(0, 10**6), st.integers(1, 10**4),
                                       st.integers(0, 127)), max_size=20))
        tracks.append(Track(note_array(rows), program=draw(st.integers(0, 127)),
                            name=draw(st.text(max_size=8)), is_drum=draw(st.booleans())))
    tempos = draw(st.lists(st.builds(Tempo, st.integers(0, 10**6), st.floats(1.0, 1000.0)), max_size=3))
    sigs = draw(st.lists(st.builds(TimeSignature, st.integers(0, 10**6), st.integers(1, 32),
                                   st.sampled_from([1, 2, 4, 8, 16, 32, 64])), max_size=3))
    keys = draw(st.lists(st.builds(KeySignature, st.integers(0, 10**6), st.integers(0, 11),
                                   st.sampled_from(["major", "minor"])), max_size=3))
    md = Metadata(*draw(st.lists(st.text(max_size=10), min_size=6, max_size=6)))
    return Score(tracks=tracks, tempos=tempos, time_signatures=sigs, key_signatures=keys, metadata=md)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scores())
def test_property_random_scores_round_trip_exactly(tmp_path, score):
    write_json(score, tmp_path / "random.json")
    assert read_json(tmp_path / "random.json") == score


def test_fermatas_round_trip(tmp_path):
    from tunesmith.io import read, write
    from tunesmith.score import Score, Track, note_array

    score = Score(tracks=(Track(note_array([(60, 0, 960), (62, 960, 960)])),), fermatas=(960, 0, 960))
    assert score.fermatas == (0, 960)  # sorted, each once
    for suffix in (".json", ".mid"):
        write(score, tmp_path / f"f{suffix}")
        assert read(tmp_path / f"f{suffix}").fermatas == (0, 960), suffix
