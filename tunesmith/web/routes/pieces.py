"""A user's library: upload a score, list, read, rename, keep, delete pieces, download each of their files."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from tunesmith.library import pieces as library
from tunesmith.web.auth import CurrentUser, studio

router = APIRouter(prefix="/api/pieces", tags=["library"])
MEDIA = {"mid": "audio/midi", "wav": "audio/wav", "png": "image/png", "svg": "image/svg+xml",
         "musicxml": "application/vnd.recordare.musicxml+xml", "json": "application/json",
         "score": "application/json"}
SUFFIX = {"score": ".score.json"}


class PieceChange(BaseModel):
    title: str | None = Field(None, max_length=200)
    kept: bool | None = None


@router.post("", status_code=201, summary="Upload a MIDI, MusicXML or ABC file as a new piece")
async def upload(file: UploadFile, request: Request, user: CurrentUser) -> dict:
    from tunesmith.web.uploads import check_name, read_upload, upload_folder

    st = studio(request)
    title, suffix = check_name(file.filename)
    data = await file.read(st.settings.upload_bytes + 1)
    if len(data) > st.settings.upload_bytes:
        raise HTTPException(413, f"the file is larger than {st.settings.upload_bytes >> 10} KiB")
    folder = upload_folder(st.settings.files, user.id)
    files, report = await run_in_threadpool(read_upload, data, suffix, folder)

    def store():
        with st.db.session.begin() as s:
            piece = library.add_piece(s, user.id, title, "upload", files, st.settings.files, report,
                                      report.pop("features"), kept=True)
            return library.describe(piece)

    return await run_in_threadpool(store)


@router.get("", summary="Your pieces, newest first")
def list_pieces(request: Request, user: CurrentUser, kept: bool | None = None, limit: int = 50,
                offset: int = 0) -> dict:
    limit = max(1, min(limit, 200))
    with studio(request).db.session() as s:
        return {"pieces": [library.describe(p) for p in library.list_pieces(s, user.id, kept, limit, max(offset, 0))],
                "total": library.count_pieces(s, user.id)}


def _piece(s, user, piece_id: int):
    piece = library.get_piece(s, user.id, piece_id)
    if piece is None:  # another user's piece is as absent as one that never existed
        raise HTTPException(404, f"no piece {piece_id} in your library")
    return piece


@router.get("/{piece_id}", summary="One piece")
def get_piece(piece_id: int, request: Request, user: CurrentUser) -> dict:
    with studio(request).db.session() as s:
        return library.describe(_piece(s, user, piece_id))


@router.patch("/{piece_id}", summary="Rename a piece, or keep it in (or drop it from) your library")
def change_piece(piece_id: int, change: PieceChange, request: Request, user: CurrentUser) -> dict:
    with studio(request).db.session.begin() as s:
        piece = library.update_piece(s, user.id, piece_id, change.title, change.kept)
        if piece is None:
            raise HTTPException(404, f"no piece {piece_id} in your library")
        return library.describe(piece)


@router.delete("/{piece_id}", summary="Delete a piece and its files")
def delete_piece(piece_id: int, request: Request, user: CurrentUser) -> dict:
    st = studio(request)
    with st.db.session.begin() as s:
        if not library.delete_piece(s, user.id, piece_id, st.settings.files):
            raise HTTPException(404, f"no piece {piece_id} in your library")
    return {"deleted": piece_id}


@router.get("/{piece_id}/files/{kind}", summary="Download a file of a piece: mid, wav, png, musicxml, svg, "
            "json (its report), score (tunesmith JSON) or original (an upload as it came)")
def download(piece_id: int, kind: str, request: Request, user: CurrentUser):
    st = studio(request)
    with st.db.session() as s:
        piece = _piece(s, user, piece_id)
        path = library.file_path(piece, kind, st.settings.files)
        title = piece.title
    if path is None or not path.is_file():
        raise HTTPException(404, f"piece {piece_id} has no {kind!r} file")
    suffix = SUFFIX.get(kind, path.suffix)
    name = "".join(c if c.isalnum() or c in " -_(),." else "_" for c in title) + suffix
    inline = kind in ("wav", "svg", "png", "score", "json")
    return FileResponse(path, media_type=MEDIA.get(kind, "application/octet-stream"), filename=name,
                        content_disposition_type="inline" if inline else "attachment")
