"""A killed `tunesmith data prepare` leaves no half cache, and its temporary goes with the next corpus saved."""

import signal
import subprocess
import sys

from tunesmith.data.cache import Corpus, save_corpus
from tunesmith.score import Score, Track, note_array

KILLED = """
import os, signal, sys
from tunesmith.data import cache

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

cache.np.save = killed  # the notes array is being written when the process dies
cache.save_corpus(cache.Path(sys.argv[1]), [], [], [], {}, "card")
"""


def test_a_killed_prepare_leaves_a_temporary_that_the_next_save_removes(tmp_path):
    corpora = tmp_path / "corpora"
    killed = subprocess.Popen([sys.executable, "-c", KILLED, str(corpora / "chorales")])
    assert killed.wait(timeout=120) == -signal.SIGKILL
    assert [p.name for p in corpora.iterdir()] == [f".chorales.tmp-{killed.pid}"]
    score = Score(tracks=(Track(note_array([(60, 0, 480)])),))
    record = {"id": "a", "collection": "", "style": "", "license": "", "split": "train", "key": "C_major",
              "meter": "4/4", "title": "", "composer": "", "source": "", "notes": 1, "tracks": [[0, "", False, 1]],
              "tempos": [[0, 120.0]], "time_signatures": [[0, 4, 4]], "key_signatures": []}
    save_corpus(corpora / "folk", [record], [score], [], {}, "card")
    assert [p.name for p in corpora.iterdir()] == ["folk"] and len(Corpus.load(corpora / "folk")) == 1
