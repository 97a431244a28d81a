import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never touch the user's cache: TUNESMITH_CACHE points at a session temp folder."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TUNESMITH_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture
def fake_chorales(tmp_path, monkeypatch):
    """A private cache holding a fake prepared "chorales" corpus: three random 30-note melodies, two in train
    and one in valid, so that corpus lookups run without the real cache. Returns {piece_id: (split, Score)}."""
    import numpy as np

    from tunesmith.data.cache import corpus_dir, piece_record, save_corpus
    from tunesmith.score import Score, Track, note_array

    rng = np.random.default_rng(0)
    pieces = {}
    for i, split in enumerate(("train", "train", "valid")):
        pitches = 60 + np.cumsum(np.r_[0, rng.integers(-4, 5, size=29)])
        lengths = rng.choice([240, 480], size=30)
        starts = np.r_[0, np.cumsum(lengths)[:-1]]
        pieces[f"chorales/fake{i}"] = (split, Score(tracks=(Track(note_array(zip(pitches, starts, lengths))),)))
    root = tmp_path / "cache"
    records = [piece_record(pid, s, split, "C major", "4/4") for pid, (split, s) in pieces.items()]
    save_corpus(corpus_dir("chorales", root), records, [s for _, s in pieces.values()], [], {"name": "chorales"},
                "a fake corpus for tests")
    monkeypatch.setenv("TUNESMITH_CACHE", str(root))
    return pieces
