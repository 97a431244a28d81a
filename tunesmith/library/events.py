"""What users do with items: ratings (1-5 stars), plays, and saved compose settings. An item is
`piece:<id>` (a piece of the user's own library) or `corpus:<corpus piece id>`; the caller checks that the
item exists and is the user's to rate."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from tunesmith.errors import ConfigError
from tunesmith.library.schema import Piece, Play, Rating, Setting

MAX_SETTINGS = 50  # named settings per user
MAX_PLAY_SECONDS = 24 * 3600


def rate(session, user_id: int, item: str, stars: int) -> Rating:
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ConfigError(f"stars are 1..5, got {stars!r}")
    row = session.scalar(select(Rating).where(Rating.user_id == user_id, Rating.item == item))
    if row is None:
        row = Rating(user_id=user_id, item=item, stars=stars)
        session.add(row)
    else:
        row.stars = stars
    session.flush()
    return row


def unrate(session, user_id: int, item: str) -> None:
    session.execute(delete(Rating).where(Rating.user_id == user_id, Rating.item == item))


def ratings_of(session, user_id: int) -> dict[str, int]:
    return dict(session.execute(select(Rating.item, Rating.stars).where(Rating.user_id == user_id)).all())


def play(session, user_id: int, item: str, seconds: float = 0.0) -> Play:
    if not isinstance(seconds, int | float) or not 0 <= seconds <= MAX_PLAY_SECONDS:
        raise ConfigError(f"seconds played must be in 0..{MAX_PLAY_SECONDS}")
    row = Play(user_id=user_id, item=item, seconds=float(seconds))
    session.add(row)
    session.flush()
    return row


def plays_of(session, user_id: int) -> dict[str, int]:
    q = select(Play.item, func.count(Play.id)).where(Play.user_id == user_id).group_by(Play.item)
    return dict(session.execute(q).all())


def interactions(session, user_id: int | None = None) -> list[tuple[int, str, str, float]]:
    """Every (user, item, kind, value) signal the recommender learns from: ratings (stars), plays (count) and
    kept pieces (1), of every user or of one."""
    def mine(q, column):
        return q if user_id is None else q.where(column == user_id)

    rows = [(u, i, "rating", float(s)) for u, i, s in session.execute(
        mine(select(Rating.user_id, Rating.item, Rating.stars), Rating.user_id))]
    q = mine(select(Play.user_id, Play.item, func.count(Play.id)), Play.user_id).group_by(Play.user_id, Play.item)
    rows += [(u, i, "play", float(n)) for u, i, n in session.execute(q)]
    rows += [(u, f"piece:{p}", "kept", 1.0) for u, p in session.execute(
        mine(select(Piece.user_id, Piece.id).where(Piece.kept.is_(True)), Piece.user_id))]
    return rows


def save_settings(session, user_id: int, name: str, values: dict) -> Setting:
    if not isinstance(name, str) or not 1 <= len(name) <= 64:
        raise ConfigError("a settings name has 1-64 characters")
    row = session.scalar(select(Setting).where(Setting.user_id == user_id, Setting.name == name))
    if row is None:
        if session.scalar(select(func.count(Setting.id)).where(Setting.user_id == user_id)) >= MAX_SETTINGS:
            raise ConfigError(f"at most {MAX_SETTINGS} saved settings; delete one first")
        row = Setting(user_id=user_id, name=name, values=values)
        session.add(row)
    else:
        row.values = values
    session.flush()
    return row


def settings_of(session, user_id: int) -> dict[str, dict]:
    return dict(session.execute(select(Setting.name, Setting.values).where(Setting.user_id == user_id)).all())
