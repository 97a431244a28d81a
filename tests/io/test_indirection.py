"""An ABC file's text is music, never a path, a URL or a key into music21's pickle cache.

music21's `converter.parse(text)` takes a string that names an existing file for that file, one that starts with
http:// for a URL to download, and loads a pickle it finds for a path under its scratch folder. abc2midi is made
to fail on each text below, so that `read` reaches the music21 fallback; markers on disk (not in memory) tell
what happened, since the fallback runs in a worker process."""

import pathlib
import pickle
import socket
import urllib.request
import zlib

import pytest

from tunesmith.errors import ScoreError
from tunesmith.io import read
from tunesmith.io.music21 import from_abc_music21

pytestmark = pytest.mark.filterwarnings("ignore")

OTHER_TUNE = "X:1\nT:Someone else's tune\nM:4/4\nL:1/4\nK:C\nCDEF|GABc|]\n"


@pytest.fixture
def music21_settings(tmp_path):
    """music21's settings in memory (never its settings file): scratch folder under tmp_path, downloads allowed
    as a user who fetches corpora would have them."""
    from music21 import environment

    env = environment.Environment()
    saved = {k: env[k] for k in ("directoryScratch", "autoDownload")}
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env["directoryScratch"] = str(scratch)
    env["autoDownload"] = "allow"
    yield scratch
    for k, v in saved.items():
        env[k] = v


@pytest.fixture
def no_network(tmp_path, monkeypatch):
    """Every way to the network touches a marker file, then fails."""
    marker = tmp_path / "network-attempted"

    def refuse(*args, **kwargs):
        marker.touch()
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return marker


def reads_its_own_text_only(path: pathlib.Path):
    """Reading `path` through `read` and through the fallback directly must fail: its text is no tune."""
    with pytest.raises(ScoreError, match=path.name):
        read(path)
    with pytest.raises(ScoreError):
        from_abc_music21(path.read_text())


def test_an_abc_whose_text_is_a_path_does_not_read_that_file(tmp_path, music21_settings):
    other = tmp_path / "other.abc"
    other.write_text(OTHER_TUNE)
    evil = tmp_path / "evil.abc"
    evil.write_text(str(other))  # no newline: the whole text is the path
    reads_its_own_text_only(evil)


def test_an_abc_whose_text_is_a_url_makes_no_network_attempt(tmp_path, music21_settings, no_network):
    evil = tmp_path / "evil.abc"
    evil.write_text("http://example.invalid/tune.abc")
    reads_its_own_text_only(evil)
    assert not no_network.exists()
    assert not list(music21_settings.iterdir())  # nothing downloaded or cached either


class Planted:
    """What a planted pickle does when loaded: here, only touch a marker file."""

    def __init__(self, marker: pathlib.Path):
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.touch, (self.marker,)


def test_a_pickle_planted_in_music21s_scratch_folder_is_never_loaded(tmp_path, music21_settings):
    from music21 import converter

    other = tmp_path / "other.abc"
    other.write_text(OTHER_TUNE)
    evil = tmp_path / "evil.abc"
    evil.write_text(str(other))
    marker = tmp_path / "unpickled"
    # where music21 looks for a cached parse of `other`: planted after it, so that it counts as up to date
    planted = converter.PickleFilter(other).getPickleFp(music21_settings, zipType="gz")
    planted.write_bytes(zlib.compress(pickle.dumps(Planted(marker))))
    reads_its_own_text_only(evil)
    assert not marker.exists()
