import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tunesmith.atomic import atomic_files, atomic_folder, check_writable, clean_stale
from tunesmith.errors import ConfigError


def test_a_finished_block_replaces_the_folder(tmp_path):
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "old.txt").write_text("old")
    with atomic_folder(tmp_path / "f") as tmp:
        (tmp / "new.txt").write_text("new")
    assert [p.name for p in (tmp_path / "f").iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["f"]  # no temporary or old folder left


def test_a_failed_block_leaves_the_old_folder_untouched(tmp_path):
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_folder(tmp_path / "f") as tmp:
        (tmp / "half.txt").write_text("half")
        raise RuntimeError("killed")
    assert (tmp_path / "f" / "old.txt").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def dead_pid() -> int:
    """The id of a process that has ended (and been waited for)."""
    p = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(p.stdout)


def test_a_folder_write_killed_midway_leaves_a_temporary_that_the_next_write_removes(tmp_path):
    """SIGKILL while a checkpoint is being filled: its `.step-*.tmp-PID` stays (nothing can run on SIGKILL),
    and the next write into the same parent removes it."""
    script = ("import os, signal, sys\nfrom tunesmith.atomic import atomic_folder\n"
              "with atomic_folder(sys.argv[1]) as tmp:\n"
              "    (tmp / 'model.safetensors').write_bytes(b'half')\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n")
    killed = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "step-000100")])
    assert killed.wait() == -signal.SIGKILL
    assert [p.name for p in tmp_path.iterdir()] == [f".step-000100.tmp-{killed.pid}"]
    with atomic_folder(tmp_path / "step-000200") as tmp:
        (tmp / "model.safetensors").write_bytes(b"whole")
    assert [p.name for p in tmp_path.iterdir()] == ["step-000200"]


def test_clean_stale_keeps_what_live_processes_write_and_everything_else(tmp_path):
    dead = dead_pid()
    for name in (f".a.tmp-{dead}", f".b.old-{dead}", f".c.tmp-{os.getpid()}", ".d.tmp-1", "e.tmp-7", ".f.tmp"):
        (tmp_path / name).mkdir()
    (tmp_path / "b").mkdir()
    removed = clean_stale(tmp_path)
    assert sorted(p.name for p in removed) == [f".a.tmp-{dead}", f".b.old-{dead}"]
    # ours, pid 1's (init, alive), and names that are not temporaries stay
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f".c.tmp-{os.getpid()}", ".d.tmp-1", "e.tmp-7",
                                                                 ".f.tmp", "b"])


def test_a_kill_between_the_two_renames_restores_the_new_folder(tmp_path):
    """Killed after the old folder went aside and before the new one took its place: the new one was
    complete, so it is renamed into place rather than thrown away."""
    dead = dead_pid()
    (tmp_path / f".f.old-{dead}").mkdir()
    (tmp_path / f".f.old-{dead}" / "v").write_text("old")
    (tmp_path / f".f.tmp-{dead}").mkdir()
    (tmp_path / f".f.tmp-{dead}" / "v").write_text("new")
    clean_stale(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["f"] and (tmp_path / "f" / "v").read_text() == "new"


def test_a_set_of_files_moves_out_whole_with_its_marker_last(tmp_path, monkeypatch):
    (tmp_path / "song.json").write_text("old report")
    moves = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (moves.append(Path(b).name), real(a, b)))
    with atomic_files(tmp_path, "song", last="song.json") as tmp:
        for name in ("song.json", "song.mid", "song.svg", "song-2.svg"):
            (tmp / name).write_text(name)
        assert not (tmp_path / "song.mid").exists()  # nothing visible before the block ends
    assert moves[-1] == "song.json" and sorted(moves) == ["song-2.svg", "song.json", "song.mid", "song.svg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(moves)
    assert (tmp_path / "song.json").read_text() == "song.json"


def test_a_set_of_files_that_fails_midway_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), atomic_files(tmp_path, "song", last="song.json") as tmp:
        (tmp / "song.mid").write_text("mid")
        raise RuntimeError("the renderer failed")
    assert list(tmp_path.iterdir()) == []


def test_check_writable_says_why_a_folder_cannot_be_written(tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    assert check_writable(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()  # checked, not created
    with pytest.raises(ConfigError, match="it is a file"):
        check_writable(tmp_path / "file")
    with pytest.raises(ConfigError, match="file is a file"):
        check_writable(tmp_path / "file" / "sub")
    with pytest.raises(ConfigError, match="broken link"):
        check_writable(tmp_path / "link" / "sub")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_check_writable_refuses_a_read_only_folder(tmp_path):
    (tmp_path / "ro").mkdir(mode=0o500)
    with pytest.raises(ConfigError, match="ro is not writable"):
        check_writable(tmp_path / "ro" / "out")
