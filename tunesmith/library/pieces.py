"""A user's pieces and their files. Every query filters on the owner: another user's piece is simply not
found (the web layer answers 404, the same as for a piece that does not exist)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from tunesmith.errors import ConfigError
from tunesmith.library.schema import File, Piece

MAX_TITLE = 200


def add_piece(session, user_id: int, title: str, origin: str, files: dict, files_root: Path,
              report: dict | None = None, features=None, kept: bool = False) -> Piece:
    """A new piece from a job's report (model, settings, analysis) and its files {kind: absolute path}, which
    must lie under `files_root`."""
    report = report or {}
    features = [] if features is None else list(features)
    a = report.get("analysis") or {}
    settings = report.get("settings") or {}
    piece = Piece(user_id=user_id, title=title[:MAX_TITLE], origin=origin,
                  model=(report.get("model") or {}).get("name"), style=settings.get("style"),
                  key=a.get("notated_key") or a.get("estimated_key"), meter=a.get("meter"),
                  bars=int(a.get("bars") or 0), notes=int(a.get("notes") or 0), seconds=float(a.get("seconds") or 0),
                  settings=settings, analysis=a, features=[float(x) for x in features or ()],
                  kept=kept)
    root = Path(files_root).resolve()
    for kind, path in files.items():
        path = Path(path).resolve()
        if not path.is_relative_to(root):
            raise ConfigError(f"{path} is not under the files folder {root}")
        piece.files.append(File(kind=kind, path=str(path.relative_to(root)), size=path.stat().st_size))
    session.add(piece)
    session.flush()
    return piece


def get_piece(session, user_id: int, piece_id: int) -> Piece | None:
    return session.scalar(select(Piece).where(Piece.id == piece_id, Piece.user_id == user_id))


def list_pieces(session, user_id: int, kept: bool | None = None, limit: int = 100, offset: int = 0) -> list[Piece]:
    q = select(Piece).where(Piece.user_id == user_id)
    if kept is not None:
        q = q.where(Piece.kept == kept)
    return list(session.scalars(q.order_by(Piece.id.desc()).limit(limit).offset(offset)))


def count_pieces(session, user_id: int) -> int:
    return session.scalar(select(func.count(Piece.id)).where(Piece.user_id == user_id))


def update_piece(session, user_id: int, piece_id: int, title: str | None = None,
                 kept: bool | None = None) -> Piece | None:
    piece = get_piece(session, user_id, piece_id)
    if piece is None:
        return None
    if title is not None:
        if not title.strip():
            raise ConfigError("a title cannot be empty")
        piece.title = title.strip()[:MAX_TITLE]
    if kept is not None:
        piece.kept = bool(kept)
    session.flush()
    return piece


def delete_piece(session, user_id: int, piece_id: int, files_root: Path) -> bool:
    """Remove the piece, its rows and its files; False if the user has no such piece."""
    piece = get_piece(session, user_id, piece_id)
    if piece is None:
        return False
    folders = {(Path(files_root) / f.path).parent for f in piece.files}
    for f in piece.files:
        (Path(files_root) / f.path).unlink(missing_ok=True)
    session.delete(piece)
    session.flush()
    for folder in folders:  # a run's folder goes when its last piece does
        if folder.is_dir() and not any(folder.iterdir()) and folder.resolve() != Path(files_root).resolve():
            shutil.rmtree(folder, ignore_errors=True)
    return True


def file_path(piece: Piece, kind: str, files_root: Path) -> Path | None:
    f = next((f for f in piece.files if f.kind == kind), None)
    return None if f is None else Path(files_root) / f.path


def kept_pieces(session, user_ids=None) -> list[Piece]:
    """Every kept piece (of some users): what the recommender's catalog takes from the libraries."""
    q = select(Piece).where(Piece.kept.is_(True))
    if user_ids is not None:
        q = q.where(Piece.user_id.in_(list(user_ids)))
    return list(session.scalars(q))


def describe(piece: Piece) -> dict:
    """The piece as JSON for the API (files by kind, without paths)."""
    return {"id": piece.id, "item": f"piece:{piece.id}", "title": piece.title, "origin": piece.origin,
            "model": piece.model, "style": piece.style, "key": piece.key, "meter": piece.meter, "bars": piece.bars,
            "notes": piece.notes, "seconds": piece.seconds, "settings": piece.settings, "analysis": piece.analysis,
            "kept": piece.kept, "created_at": piece.created_at.isoformat(),
            "files": sorted(f.kind for f in piece.files)}
