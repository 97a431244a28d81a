"""The library's tables: users and their API tokens, pieces with their files, ratings, plays, saved settings,
job runs and listening-test answers (SQLAlchemy 2 declarative mapping).

Every row a user owns carries `user_id`; the store's queries always filter on it, so that one user never
reads or changes another's rows. An *item* is what a user can hear and rate: a piece of their library
(`piece:<id>`) or of a built-in corpus (`corpus:<corpus piece id>`), written as one string so that ratings and
plays of both kinds live in one table. The schema changes only through a migration
(tunesmith/library/migrations); a test checks that the migrations build exactly these tables.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON, datetime: DateTime(timezone=True)}


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=now)


class Token(Base):
    """A login session or an API token: only the SHA-256 of the secret is stored."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(64), default="session")
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)


class Piece(Base):
    __tablename__ = "pieces"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(32))  # the job that made it ("compose", "continue", ...) or "upload"
    model: Mapped[str | None] = mapped_column(String(200), default=None)
    style: Mapped[str | None] = mapped_column(String(32), default=None)
    key: Mapped[str | None] = mapped_column(String(32), default=None)
    meter: Mapped[str | None] = mapped_column(String(16), default=None)
    bars: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    settings: Mapped[dict] = mapped_column(default=dict)  # the resolved compose settings, {} for an upload
    analysis: Mapped[dict] = mapped_column(default=dict)
    features: Mapped[list] = mapped_column(default=list)  # content vector for recommendations
    kept: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)
    files: Mapped[list[File]] = relationship(back_populates="piece", cascade="all, delete-orphan",
                                             order_by="File.id")
    __table_args__ = (Index("ix_pieces_user_kept", "user_id", "kept"),)


class File(Base):
    """One file of a piece, under the data folder's files/ (`path` is relative to it)."""

    __tablename__ = "files"
    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # mid, wav, png, musicxml, svg, json, or "original"
    path: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(Integer, default=0)
    piece: Mapped[Piece] = relationship(back_populates="files")
    __table_args__ = (UniqueConstraint("piece_id", "kind"),)


class Rating(Base):
    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item: Mapped[str] = mapped_column(String(200))
    stars: Mapped[int] = mapped_column(Integer)  # 1..5
    created_at: Mapped[datetime] = mapped_column(default=now)
    __table_args__ = (UniqueConstraint("user_id", "item"), Index("ix_ratings_item", "item"))


class Play(Base):
    __tablename__ = "plays"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(200))
    seconds: Mapped[float] = mapped_column(Float, default=0.0)  # how long it was heard
    created_at: Mapped[datetime] = mapped_column(default=now)


class Setting(Base):
    """A named set of compose settings a user saved ("last" is the one the studio restores)."""

    __tablename__ = "settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
    __table_args__ = (UniqueConstraint("user_id", "name"),)


class Run(Base):
    """One run of a job: its state, progress and result, readable by any server process."""

    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    job: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued running done failed cancelled
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=1)
    params: Mapped[dict] = mapped_column(default=dict)
    result: Mapped[dict | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    cancel: Mapped[bool] = mapped_column(Boolean, default=False)  # asked for; the process running it acts
    created_at: Mapped[datetime] = mapped_column(default=now)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class Trial(Base):
    """One blind listening trial: a real and a composed excerpt of one style, the machine's at `machine`
    ("a" or "b"), and the listener's answer once given."""

    __tablename__ = "trials"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    style: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(200))
    real_item: Mapped[str] = mapped_column(String(200))
    machine: Mapped[str] = mapped_column(String(1))
    excerpts: Mapped[dict] = mapped_column(default=dict)  # {"a": score dict, "b": score dict}
    guess: Mapped[str | None] = mapped_column(String(1), default=None)
    like_real: Mapped[int | None] = mapped_column(Integer, default=None)
    like_machine: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
