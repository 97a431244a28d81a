"""Ratings, plays, the built-in corpus pieces, and recommendations: pieces to hear and settings to try."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from tunesmith.library import events
from tunesmith.library import pieces as library
from tunesmith.web.auth import CurrentUser, studio

router = APIRouter(prefix="/api", tags=["recommendations"])
ITEM = r"^(piece:\d{1,18}|corpus:[A-Za-z0-9_./-]{1,190})$"


class RatingBody(BaseModel):
    item: str = Field(pattern=ITEM, description="piece:<id> of your library, or corpus:<piece id>")
    stars: int = Field(ge=1, le=5)


class PlayBody(BaseModel):
    item: str = Field(pattern=ITEM)
    seconds: float = Field(0.0, ge=0, le=events.MAX_PLAY_SECONDS)


def _check_item(s, st, user, item: str) -> None:
    """404 unless the item is a piece of the user's library or of the catalog."""
    kind, _, ref = item.partition(":")
    found = library.get_piece(s, user.id, int(ref)) is not None if kind == "piece" else \
        st.catalog.index(item) is not None
    if not found:
        raise HTTPException(404, f"no item {item}")


@router.put("/ratings", summary="Rate an item 1-5 stars (again: the new rating replaces the old)")
def rate(body: RatingBody, request: Request, user: CurrentUser) -> dict:
    st = studio(request)
    with st.db.session.begin() as s:
        _check_item(s, st, user, body.item)
        events.rate(s, user.id, body.item, body.stars)
    st.signals_changed()
    return {"item": body.item, "stars": body.stars}


@router.delete("/ratings", summary="Take a rating back")
def unrate(item: str, request: Request, user: CurrentUser) -> dict:
    st = studio(request)
    with st.db.session.begin() as s:
        events.unrate(s, user.id, item)
    st.signals_changed()
    return {"item": item, "stars": None}


@router.get("/ratings", summary="Your ratings")
def my_ratings(request: Request, user: CurrentUser) -> dict:
    with studio(request).db.session() as s:
        return {"ratings": events.ratings_of(s, user.id)}


@router.post("/plays", status_code=201, summary="Record that you played an item")
def played(body: PlayBody, request: Request, user: CurrentUser) -> dict:
    st = studio(request)
    with st.db.session.begin() as s:
        _check_item(s, st, user, body.item)
        events.play(s, user.id, body.item, body.seconds)
    st.signals_changed()
    return {"item": body.item}


@router.get("/corpus", summary="Browse the built-in corpus pieces")
def browse(request: Request, user: CurrentUser, style: str | None = None, q: str | None = None, limit: int = 50,
           offset: int = 0) -> dict:
    catalog = studio(request).catalog
    rows = [(i, t) for i, t in zip(catalog.ids, catalog.tags)
            if (style is None or t.get("style") == style) and (not q or q.lower() in (t.get("title") or "").lower())]
    limit = max(1, min(limit, 200))
    return {"items": [{"item": i, **t} for i, t in rows[max(offset, 0): max(offset, 0) + limit]],
            "total": len(rows), "note": catalog.note}


@router.get("/corpus/score", summary="A built-in piece as tunesmith JSON (to draw and play it)")
def corpus_score(item: str, request: Request, user: CurrentUser) -> dict:
    from tunesmith.io.json import to_dict

    score = studio(request).corpus_score(item)
    if score is None:
        raise HTTPException(404, f"no item {item}")
    return to_dict(score)


@router.get("/recommendations", summary="Pieces to hear and settings to try, each with its reason")
def recommendations(request: Request, user: CurrentUser, n: int = 10) -> dict:
    from tunesmith.recommend import Item
    from tunesmith.recommend.features import tags
    from tunesmith.recommend.settings import suggest

    st = studio(request)
    n = max(1, min(n, 50))
    with st.db.session() as s:
        history = [(item, kind, value) for u, item, kind, value in events.interactions(s, user.id)]
        mine = library.list_pieces(s, user.id, limit=500)
    own = [Item(f"piece:{p.id}", _array(p.features), {**tags(p.style, None, p.key, p.meter), "title": p.title})
           for p in mine if len(p.features)]
    recommender = st.recommender()
    pieces = recommender.recommend(user.id, own, n, history)
    titles = {f"piece:{p.id}": p for p in mine}
    for r in pieces:
        r["title"] = r["tags"].get("title")
        r["source"] = "library" if r["item"] in titles else "corpus"
    from tunesmith.recommend.model import weigh

    weights, kinds = weigh(history)
    index = {i.id: i.tags for i in own}
    liked = []
    for item, w in weights.items():
        t = index.get(item) or (recommender.catalog.tags[recommender.catalog.index(item)]
                                if recommender.catalog.index(item) is not None else None)
        if t is not None:
            p = titles.get(item)
            liked.append((t, w, {**p.settings, "model": p.model} if p is not None else None, kinds[item]))
    return {"pieces": pieces, "settings": suggest(liked), "catalog": {"items": len(recommender.catalog),
                                                                     "note": recommender.catalog.note}}


def _array(values):
    import numpy as np

    return np.asarray(values, np.float32)
