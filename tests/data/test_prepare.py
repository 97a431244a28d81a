import json

import pytest

from tunesmith.data.cache import Corpus
from tunesmith.data.prepare import build, load_corpora, prepare, prepare_midi_dir
from tunesmith.errors import TunesmithError
from tunesmith.io import write_midi
from tunesmith.score import Score, Track, note_array


@pytest.fixture(scope="module")
def chorales(tmp_path_factory):
    root = tmp_path_factory.mktemp("cache")
    return root, prepare("chorales", root=root, limit=4, workers=2, progress=False)[0]


def test_prepare_records_each_piece(chorales):
    _, corpus = chorales
    assert len(corpus) == 4 and not corpus.failures
    r = corpus.records[0]
    assert r["id"].startswith("chorales/bwv") and r["collection"] == "chorales-4"
    assert r["style"] == "bach" and "public domain" in r["license"]
    assert r["split"] in ("train", "valid", "test") and r["meter"] in ("4/4", "3/4", "3/2")
    assert r["key"].split()[1] in ("major", "minor")
    score = corpus.score(0)
    assert len(score.tracks) == 4 and score.note_count == r["notes"] > 50
    assert score.metadata.style == "bach"


def test_cached_load_gives_the_same_scores(chorales):
    root, corpus = chorales
    again = prepare("chorales", root=root, limit=4, progress=False)[0]  # from the cache: no parse
    assert again.records == corpus.records
    assert all(again.score(i) == corpus.score(i) for i in range(len(corpus)))
    assert load_corpora("chorales", root=root, limit=4)[0].records == corpus.records


def test_card_lists_counts_and_license(chorales):
    _, corpus = chorales
    card = (corpus.folder / "CARD.md").read_text()
    assert "| bach |" in card and "License: public domain" in card and "No failures." in card


def test_cache_holds_no_pickles(chorales):
    _, corpus = chorales
    files = sorted(p.name for p in corpus.folder.iterdir())
    assert files == ["CARD.md", "index.json", "notes.npy"]
    json.loads((corpus.folder / "index.json").read_text())


def test_abc_tunes_are_one_melody_each(tmp_path):
    corpus = prepare("oneills", root=tmp_path, limit=5, workers=1, progress=False)[0]
    assert len(corpus) == 5 and not corpus.failures
    for i, r in enumerate(corpus.records):
        assert r["style"] == "irish" and r["title"] and r["meter"] and r["key"]
        assert [(program, drum) for program, _, drum, _ in r["tracks"]] == [(0, False)]
        assert corpus.score(i).note_count == r["notes"] > 20
    card = (corpus.folder / "CARD.md").read_text()
    assert "Read with: abc2midi" in card and "Read with music21" not in card
    assert json.loads((corpus.folder / "index.json").read_text())["fallbacks"] == []


@pytest.mark.filterwarnings("ignore")
def test_card_lists_tunes_read_by_music21_and_failures(tmp_path):
    good = "X:1\nT:Good\nM:2/4\nL:1/8\nK:D\nDF AF|d4|]\n"
    units = [("mix/good", "book.abc", good),
             ("mix/no-x", "book.abc", good.replace("X:1\n", "")),  # abc2midi needs X:, music21 does not
             ("mix/prose", "book.abc", "no music here\n")]
    corpus = build("mix", "A mixed book", units, lambda p: "folk", "mine", "", "test", tmp_path, workers=1,
                   progress=False)
    assert [r["id"] for r in corpus.records] == ["mix/good", "mix/no-x"]
    assert [f["id"] for f in corpus.failures] == ["mix/prose"]
    card = (corpus.folder / "CARD.md").read_text()
    assert "## Failures (1)" in card and "| mix/prose | abc2midi:" in card and "; music21:" in card
    assert "## Read with music21, as abc2midi could not (1)" in card and "| mix/no-x | abc2midi:" in card
    assert "fallbacks" not in corpus.info


def test_midi_dir_skips_bad_files_and_reports_them(tmp_path):
    src = tmp_path / "midi"
    (src / "sub").mkdir(parents=True)
    for i in range(3):
        notes = note_array([(60 + i, 0, 480), (64 + i, 480, 480)])
        write_midi(Score(tracks=(Track(notes),)), src / "sub" / f"good{i}.mid")
    (src / "empty.mid").write_bytes(b"")
    (src / "garbage.mid").write_bytes(b"MThd this is not midi at all")
    corpus = prepare_midi_dir(src, name="mine", root=tmp_path / "cache", workers=1, progress=False)
    assert len(corpus) == 3 and corpus.records[0]["style"] == "user"
    reasons = {f["id"]: f["reason"] for f in corpus.failures}
    assert set(reasons) == {"mine/empty", "mine/garbage"}
    assert "empty" in reasons["mine/empty"]
    assert "mine/garbage" in (corpus.folder / "CARD.md").read_text()


def test_missing_cache_is_a_clear_error(tmp_path):
    with pytest.raises(TunesmithError, match="tunesmith data prepare --corpus essen"):
        Corpus.load(tmp_path / "corpora" / "essen")
