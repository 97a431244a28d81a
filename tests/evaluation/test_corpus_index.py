import pytest

from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.evaluation.corpus_index import FOLDER, check, corpus_index, label, model_index
from tunesmith.evaluation.originality import Index
from tunesmith.generation.load import SHIPPED
from tunesmith.score import Score

from .scores import melody, score_of

SOURCES = {"chorales": "chorales:train", "folk": "folk:train"}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_each_shipped_model_carries_its_train_split_index(name):
    if not (SHIPPED / name / "config.json").is_file():
        pytest.skip(f"no shipped {name} model")
    assert (SHIPPED / name / FOLDER / "ngrams.npz").stat().st_size < 5e6  # small enough for the repository
    index = model_index(SHIPPED / name)  # its load time is measured by bench/originality.py
    assert index.source == SOURCES[name] and len(index) > 250 and index.positions.dtype.itemsize == 4


def test_labels_name_groups_and_read_back():
    assert label(["chorales"], "train") == "chorales:train"
    assert label(["essen", "oneills", "ryans", "airds"], "valid") == "folk:valid"
    assert label(["chorales", "essen"], "test") == "chorales,essen:test"


def test_a_prepared_split_is_indexed_on_the_spot(fake_chorales):
    assert corpus_index("chorales").ids == ("chorales/fake0", "chorales/fake1")
    index = corpus_index("chorales:valid")
    assert index.source == "chorales:valid" and index.ids == ("chorales/fake2",)
    with pytest.raises(ConfigError, match="unknown split"):
        corpus_index("chorales:dev")
    with pytest.raises(TunesmithError, match="not prepared"):
        corpus_index("folk")


def test_a_checkpoint_without_an_index_uses_its_corpora_or_says_what_is_missing(fake_chorales, tmp_path):
    config = {"data": {"source": {"corpora": ["chorales"]}}}
    assert model_index(tmp_path, config).source == "chorales:train"
    with pytest.raises(TunesmithError, match="not prepared"):
        model_index(tmp_path, {"data": {"source": {"corpora": ["palestrina"]}}})
    with pytest.raises(TunesmithError, match="no training corpus named"):
        model_index(tmp_path, {})


def test_check_is_strict_json(fake_chorales):
    index = corpus_index("chorales")
    r = check(score_of(melody([60, 62, 64])), index)
    assert r["ngram_overlap"] is None and r["longest_shared_run"] == 0 and r["index_pieces"] == 2
    assert check(Score(), index)["longest_shared_run"] is None
    _, score = fake_chorales["chorales/fake1"]
    assert check(score, index, n=12) == {
        "longest_shared_run": 30, "longest_match_piece": "chorales/fake1", "ngram_overlap": 1.0,
        "melody_notes": 30, "n": 12, "index": "chorales:train", "index_pieces": 2}
    assert isinstance(index, Index)
