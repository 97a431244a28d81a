"""Accounts: users with Argon2id password hashes (argon2-cffi), and bearer tokens, of which only the SHA-256
digest is stored, so that a copy of the database lets no one log in."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from tunesmith.errors import ConfigError
from tunesmith.library.schema import Token, User

NAME = re.compile(r"[A-Za-z0-9_.-]{2,64}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # hashing cost grows with length; no one types more
SESSION_DAYS = 30


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, the library's defaults (RFC 9106's second recommended option)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(session, name: str, password: str) -> User:
    """A new user; ConfigError for a taken or malformed name or a password too short or long."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ConfigError("a user name is 2-64 letters, digits, '.', '_' or '-'")
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ConfigError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise ConfigError(f"the name {name!r} is taken")
    user = User(name=name, password_hash=_hasher().hash(password))
    session.add(user)
    session.flush()
    return user


def check_password(session, name: str, password: str) -> User | None:
    """The user if `password` is theirs, else None (the same answer for an unknown name)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    user = session.scalar(select(User).where(User.name == name))
    if user is None or not isinstance(password, str) or len(password) > MAX_PASSWORD:
        _hasher().hash("x" * MIN_PASSWORD)  # about the same time as a real check: names do not leak by timing
        return None
    try:
        _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def issue_token(session, user: User, label: str = "session", days: float | None = SESSION_DAYS) -> str:
    """A new secret token for `user` (shown once); a session expires after `days`, an API token (None) never."""
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    session.add(Token(user_id=user.id, digest=digest(token), label=label[:64], expires_at=expires))
    session.flush()
    return token


def user_of_token(session, token: str) -> User | None:
    """The user a live token belongs to, else None."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(Token).where(Token.digest == digest(token)))
    if row is None:
        return None
    if row.expires_at is not None and _aware(row.expires_at) < datetime.now(UTC):
        return None
    return session.get(User, row.user_id)


def revoke_token(session, token: str) -> None:
    session.execute(delete(Token).where(Token.digest == digest(token)))


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
