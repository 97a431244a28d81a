import pytest

from tunesmith.errors import ConfigError
from tunesmith.library.pieces import add_piece, delete_piece, describe, file_path, get_piece, list_pieces, update_piece

REPORT = {"model": {"name": "chorales"}, "settings": {"style": "bach", "bars": 4},
          "analysis": {"notated_key": "D minor", "meter": "3/4", "bars": 4, "notes": 40, "seconds": 9.5}}


def _piece(db, user, tmp_path, **kw):
    folder = tmp_path / "files" / "run1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "p.mid").write_bytes(b"MThd")
    with db.session.begin() as s:
        return add_piece(s, user, "A chorale", "compose", {"mid": folder / "p.mid"}, tmp_path / "files", REPORT,
                         features=[0.5, 1.0], **kw).id


def test_a_piece_keeps_its_report_and_files(db, two_users, tmp_path):
    ann, _ = two_users
    pid = _piece(db, ann, tmp_path)
    with db.session.begin() as s:
        p = get_piece(s, ann, pid)
        d = describe(p)
        assert (d["model"], d["style"], d["key"], d["meter"], d["bars"], d["files"]) == \
            ("chorales", "bach", "D minor", "3/4", 4, ["mid"])
        assert p.features == [0.5, 1.0]
        assert file_path(p, "mid", tmp_path / "files").read_bytes() == b"MThd"


def test_another_users_piece_is_not_found(db, two_users, tmp_path):
    ann, bob = two_users
    pid = _piece(db, ann, tmp_path)
    with db.session.begin() as s:
        assert get_piece(s, bob, pid) is None
        assert list_pieces(s, bob) == []
        assert update_piece(s, bob, pid, title="mine now") is None
        assert not delete_piece(s, bob, pid, tmp_path / "files")
        assert get_piece(s, ann, pid).title == "A chorale"


def test_keep_rename_and_delete(db, two_users, tmp_path):
    ann, _ = two_users
    pid = _piece(db, ann, tmp_path)
    with db.session.begin() as s:
        update_piece(s, ann, pid, title="  Evening hymn ", kept=True)
        assert [p.title for p in list_pieces(s, ann, kept=True)] == ["Evening hymn"]
        with pytest.raises(ConfigError):
            update_piece(s, ann, pid, title=" ")
    with db.session.begin() as s:
        assert delete_piece(s, ann, pid, tmp_path / "files")
        assert get_piece(s, ann, pid) is None
    assert not (tmp_path / "files" / "run1").exists()


def test_files_outside_the_files_folder_are_refused(db, two_users, tmp_path):
    ann, _ = two_users
    (tmp_path / "elsewhere.mid").write_bytes(b"x")
    with db.session.begin() as s, pytest.raises(ConfigError, match="not under"):
        add_piece(s, ann, "t", "upload", {"original": tmp_path / "elsewhere.mid"}, tmp_path / "files")
