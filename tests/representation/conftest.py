import pytest

# two chorales, two folk songs and a mass movement: 4-voice, monophonic, 5-voice, 4/2 and 3/4 meters
CORPUS_SAMPLE = [
    ("bach/bwv269", {}),
    ("bach/bwv347", {}),
    ("essenFolksong/altdeu10", {"number": 1}),
    ("essenFolksong/ballad10", {"number": 2}),
    ("palestrina/Agnus_01", {}),
]


@pytest.fixture(scope="session")
def corpus_sample():
    """A few pieces of music21's built-in corpus as Scores, parsed once per test session (music21 is slow)."""
    corpus = pytest.importorskip("music21.corpus")
    from tunesmith.io.music21 import from_music21

    return [from_music21(corpus.parse(name, **kw)) for name, kw in CORPUS_SAMPLE]
