import pytest

from tunesmith.data.corpora import CORPORA, resolve, split_abc, work_units
from tunesmith.errors import ConfigError


def test_resolve_groups_and_errors():
    assert resolve("chorales,folk") == ["chorales", "essen", "oneills", "ryans", "airds"]
    assert resolve("all") == list(CORPORA)
    with pytest.raises(ConfigError, match="valid: chorales"):
        resolve("beatles")


def test_split_abc_repeats_the_header():
    text = "%abc-2.1\nM:4/4\n\nX:1\nT:a\nK:C\nCDEF|\n\nX:2\nT:b\nK:G\nGABc|\n"
    tunes = split_abc(text)
    assert len(tunes) == 2
    assert tunes[1].startswith("%abc-2.1\nM:4/4") and "T:b" in tunes[1] and "T:a" not in tunes[1]


def test_builtin_counts_match_the_music21_corpus():
    # the numbers the dataset card promises, before any parse failure
    counts = {name: len(work_units(spec)) for name, spec in CORPORA.items()}
    assert counts["chorales"] == 350  # the 371 of Riemenschneider less 21 repeated files
    assert counts["palestrina"] == 1318
    assert counts["essen"] > 8000 and counts["oneills"] > 1800
    assert counts["ryans"] > 1000 and counts["airds"] > 1100
    ids = [u[0] for spec in CORPORA.values() for u in work_units(spec)]
    assert len(ids) == len(set(ids))
