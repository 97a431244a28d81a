import pytest

from tunesmith.atomic import atomic_folder


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
